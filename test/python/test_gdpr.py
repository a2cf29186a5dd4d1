"""The GDPR jobs on real Spark, Delta and Kafka, through `lakemesh gdpr request` and scripts/local/gdpr.sh.

One subject (GDPR_SUBJECT of GDPR_TENANT) is exported, erased and replayed; its twin (same subject id in
TWIN_TENANT, other personal values) and every other subject must come through untouched. The tests run in file
order and share the data plane the e2e tests built (pytest runs test_e2e.py first).
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest
from pyspark.sql import functions as F

import lakemesh_gdpr as g
import mesh as local_mesh
from plane import DOMAINS, GDPR_SUBJECT, GDPR_TENANT, ROOT, TWIN_TENANT, WORK, Plane

SALT = local_mesh.SALT
# The values the byte search looks for: categories the issue names, STRING columns only.
SEARCHED = ("email", "name", "national_id")


def run(cmd: list[str], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env={**os.environ, **env})


def cli(*args: str) -> subprocess.CompletedProcess:
    """lakemesh gdpr request ... against the test warehouse (VACUUM RETAIN 0 HOURS allowed: tests only)."""
    return run(["node", str(ROOT / "bin" / "lakemesh.js"), "gdpr", "request", *args], LAKEMESH_TEST_VACUUM_ANY_AGE="1")


def job(name: str, *args: str) -> subprocess.CompletedProcess:
    return run(["bash", str(ROOT / "scripts" / "local" / "gdpr.sh"), name, *args], LAKEMESH_TEST_VACUUM_ANY_AGE="1")


def ok(r: subprocess.CompletedProcess) -> dict:
    """The result: all the CLI prints, or the last line a job prints (Delta's VACUUM prints what it deleted first)."""
    assert r.returncode == 0, r.stderr[-3000:]
    try:
        return json.loads(r.stdout)
    except json.JSONDecodeError:
        return json.loads(r.stdout.strip().splitlines()[-1])


class State:
    """What the tests learn as they go: the registry, the counts before erasure, request ids and results."""

    registry: list[dict]
    before: dict[str, Counter]
    values: dict[str, set[str]]
    other_values: dict[str, set[str]]
    access: dict
    erasure: dict


@pytest.fixture(scope="module")
def st(mesh: Plane) -> State:
    s = State()
    fields = local_mesh.REGISTRY_FIELDS
    schemas = {d.replace("-", "_") for d in DOMAINS}
    rows = [dict(zip(fields, r)) for r in local_mesh.registry_rows(mesh.plan)]
    s.registry = [r for r in rows if r["dataset"].split(".")[1] in schemas]
    assert len(s.registry) < len(rows), "the registry also lists domains the tests do not run: the jobs must skip their absent tables"
    s.before = {r["dataset"]: counts(mesh, r) for r in subject_tables(s)}
    s.values, s.other_values = personal_values(mesh, GDPR_SUBJECT), personal_values(mesh, GDPR_SUBJECT.replace("-002", "-001"))
    for c in SEARCHED:
        assert s.values[c] and s.other_values[c], f"the sample gives {GDPR_SUBJECT} no {c} value to search for"
    return s


def subject_tables(s: State) -> list[dict]:
    return [r for r in s.registry if r["subject_key"] and r["tenant_key"]]


def counts(mesh: Plane, r: dict) -> Counter:
    """Rows per (tenant, subject) of a registered table."""
    df = mesh.table(r["dataset"]).groupBy(r["tenant_key"], r["subject_key"]).count()
    return Counter({(x[0], x[1]): x[2] for x in df.collect()})


def personal_values(mesh: Plane, subject: str, kinds: tuple[str, ...] = ("valid", "malformed")) -> dict[str, set[str]]:
    """The subject's STRING personal values in GDPR_TENANT, by category, from the events the sample produced."""
    out: dict[str, set[str]] = {c: set() for c in SEARCHED}
    for domain in DOMAINS:
        datasets = mesh.contract(domain)["datasets"]
        for silver in (d for d in datasets if d["layer"] == "silver"):
            bronze = next(d for d in datasets if d["table"] == silver["source"]["table"])
            cols = {c["name"]: c["personalData"]["category"] for c in silver["columns"] if c.get("personalData") and c["type"] == "STRING"}
            for e in mesh.events(bronze["source"]["topic"]):
                if e["subject"] == subject and e["tenant"] == GDPR_TENANT and e["kind"] in kinds:
                    p = json.loads(e["value"])
                    for name, category in cols.items():
                        if category in out and isinstance(p.get(name), str):
                            out[category].add(p[name])
    return out


def files_containing(root: Path, needles: set[str]) -> dict[str, list[str]]:
    """Files under root (every file, referenced or not, _delta_log included) holding any needle, by needle."""
    found: dict[str, list[str]] = {}
    encoded = {n: n.encode() for n in needles}
    for f in root.rglob("*"):
        if f.is_file():
            data = f.read_bytes()
            for n, b in encoded.items():
                if b in data:
                    found.setdefault(n, []).append(str(f.relative_to(root)))
    return found


def log_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("_delta_log/*") if p.is_file())


def test_bad_input_is_refused_and_changes_nothing(st: State):
    wh = WORK / "warehouse"
    before = log_files(wh)
    common = ["--registry-table", "lakemesh_dev.governance.gdpr_registry", "--catalog-override", "spark_catalog"]
    r = job("erasure", "--tenant-id", "tenant-01'; DROP TABLE x; --", "--subject-id", GDPR_SUBJECT, *common)
    assert (r.returncode, r.stderr.strip()) == (2, "refused: tenant_id \"tenant-01'; DROP TABLE x; --\" is not valid; letters, digits, - and _, starting with a letter or digit, at most 64 characters")
    r = job("subject_access", "--tenant-id", GDPR_TENANT, "--subject-id", "x' OR '1'='1", "--export-root", str(WORK / "exports"), *common)
    assert r.returncode == 2 and r.stderr.startswith("refused: subject_id \"x' OR '1'='1\" is not valid;")
    r = job("erasure", "--tenant-id", GDPR_TENANT, "--subject-id", GDPR_SUBJECT, "--vacuum-retain-hours", "-1", *common)
    assert r.returncode == 2 and "vacuum_retain_hours '-1' is not a whole number of hours" in r.stderr
    # Well formed, but no such tenant: checked against governance.tenant_principals before anything is written.
    r = cli("--type", "erasure", "--tenant", "tenant-99", "--subject", GDPR_SUBJECT, "--vacuum-retain-hours", "0")
    assert r.returncode == 2 and "refused: tenant_id 'tenant-99' is not a tenant of this platform" in r.stderr, r.stderr[-2000:]
    r = cli("--type", "rectify", "--tenant", GDPR_TENANT, "--subject", GDPR_SUBJECT)
    assert r.returncode == 2 and '--type "rectify" is not a request type; one of: access, erasure' in r.stderr
    assert log_files(wh) == before
    assert not (WORK / "exports").exists()


def test_subject_access_exports_exactly_the_subjects_rows_in_the_tenant(mesh: Plane, st: State):
    out = WORK / "exports"
    st.access = ok(cli("--type", "access", "--tenant", GDPR_TENANT, "--subject", GDPR_SUBJECT, "--export-root", str(out)))
    folder = Path(st.access["folder"])
    assert folder == out / st.access["request_id"]
    manifest = json.loads((folder / "manifest.json").read_text())
    want = {t: c[(GDPR_TENANT, GDPR_SUBJECT)] for t, c in st.before.items()}
    assert manifest["tables"] == want
    # The result names tables as the erasure result does (the registry's names) and counts them the same way.
    present = {t: r for t, r in st.access["tables"].items() if not r["absent"]}
    assert {t: r["found"] for t, r in present.items()} == want
    assert all(r["exported"] == r["found"] for r in present.values())
    assert all(r == {"absent": True, "found": 0, "exported": 0} for t, r in st.access["tables"].items() if t not in present)
    assert sum(want.values()) > 0 and sum(1 for n in want.values() if n > 0) >= 6
    keys = {r["dataset"]: r for r in st.registry}
    for table, n in want.items():
        doc = json.loads((folder / f"{table}.json").read_text())
        assert len(doc["rows"]) == n
        r = keys[table]
        assert {(x[r["tenant_key"]], x[r["subject_key"]]) for x in doc["rows"]} <= {(GDPR_TENANT, GDPR_SUBJECT)}
    # Nothing of the twin (same subject id, the other tenant) or of anyone else.
    text = "\n".join(p.read_text() for p in folder.iterdir())
    assert TWIN_TENANT not in text
    assert not files_containing(folder, {v[::-1] for vs in st.values.values() for v in vs})
    assert not files_containing(folder, {v for vs in st.other_values.values() for v in vs})
    assert all(v in text for vs in st.values.values() for v in vs)


def test_erasure_removes_the_subject_from_every_table_and_layer(mesh: Plane, st: State):
    st.erasure = ok(cli("--type", "erasure", "--tenant", GDPR_TENANT, "--subject", GDPR_SUBJECT, "--vacuum-retain-hours", "0"))
    tables = st.erasure["tables"]
    absent = {t for t, r in tables.items() if r.get("absent")}
    assert absent and all(t.split(".")[1] not in {d.replace("-", "_") for d in DOMAINS} for t in absent)
    # The same table names and keys as the access result.
    assert set(tables) == set(st.access["tables"]) and {t for t, r in st.access["tables"].items() if r["absent"]} == absent
    for table, before in st.before.items():
        r = tables[table]
        found = before[(GDPR_TENANT, GDPR_SUBJECT)]
        assert r["found"] == found and r["deleted"] + r["anonymized"] == found, (table, r)
        after = counts(mesh, next(x for x in st.registry if x["dataset"] == table))
        assert after[(GDPR_TENANT, GDPR_SUBJECT)] == 0, table
        # Everyone else, the twin included, keeps exactly their rows; anonymized rows stay under an unlinkable key.
        erased = {k: v for k, v in after.items() if k[0] == GDPR_TENANT and str(k[1]).startswith("erased-")}
        assert sum(erased.values()) == r["anonymized"], table
        assert {k: v for k, v in after.items() if k not in erased} == {k: v for k, v in before.items() if k != (GDPR_TENANT, GDPR_SUBJECT)}, table
        total = mesh.table(table).count()
        assert total == sum(before.values()) - r["deleted"], table
    # Both ways of forgetting were exercised, and the twin was there to be spared.
    assert any(r["deleted"] for r in tables.values()) and any(r["anonymized"] for r in tables.values())
    assert sum(c[(TWIN_TENANT, GDPR_SUBJECT)] for c in st.before.values()) > 0


def test_no_personal_value_of_the_subject_is_left_in_any_file(mesh: Plane, st: State):
    wh = WORK / "warehouse"
    erased = {v for c in SEARCHED for v in st.values[c]}
    assert files_containing(wh, erased) == {}
    assert files_containing(local_mesh.pipeline_dir("lakemesh_pytest"), erased) == {}
    # The search can find what is there: uncompressed files hold other subjects' and the twin's values in clear.
    assert set(files_containing(wh, {v for c in SEARCHED for v in st.other_values[c]})) == {v for c in SEARCHED for v in st.other_values[c]}
    # The twin was made from the subject's valid events (plane.add_twins).
    twin = {v[::-1] for vs in personal_values(mesh, GDPR_SUBJECT, ("valid",)).values() for v in vs}
    assert twin and set(files_containing(wh, twin)) == twin


def test_delta_logs_hold_no_statistics_of_personal_columns(mesh: Plane, st: State):
    with_stats = 0
    for r in st.registry:
        personal = {c["name"] for c in json.loads(r["personal_columns"])}
        for f in sorted(Path(mesh.path(r["dataset"]), "_delta_log").glob("*.json")):
            for line in f.read_text().splitlines():
                add = json.loads(line).get("add")
                if add and add.get("stats"):
                    stats = json.loads(add["stats"])
                    with_stats += bool(stats.get("minValues"))
                    assert not personal & set(stats.get("minValues", {})) and not personal & set(stats.get("maxValues", {})), (f, personal)
    assert with_stats > 0  # statistics are kept, just not of personal columns


def test_the_audit_log_has_every_step_with_counts_and_never_the_subject(mesh: Plane, st: State):
    spark = mesh.spark()
    audit = spark.read.format("delta").load(mesh.path("x.governance.audit_log"))
    h = hashlib.sha256(f"{SALT}:{GDPR_TENANT}:{GDPR_SUBJECT}".encode()).hexdigest()
    assert h == g.subject_hash(SALT, GDPR_TENANT, GDPR_SUBJECT)
    rows = [r.asDict() for r in audit.filter(F.col("request_id") == st.erasure["request_id"]).collect()]
    actions = Counter(r["action"] for r in rows)
    touched = [t for t, r in st.erasure["tables"].items() if not r.get("absent")]
    assert actions["request"] == 1 and actions["suppress"] == 1 and actions["done"] == 1
    assert actions["delete"] + actions["anonymize"] == len(touched)
    assert actions["vacuum"] == len(touched) and actions["purge"] == len(touched)
    for r in rows:
        if r["action"] in ("delete", "anonymize"):
            t = next(v for k, v in st.erasure["tables"].items() if local_mesh.local_name(k) == r["dataset"])
            assert r["rows_affected"] == t["deleted"] + t["anonymized"]
        assert r["subject_hash"] in (h, None) and r["actor"]
    assert {r["subject_hash"] for r in rows if r["action"] in ("request", "suppress", "delete", "anonymize")} == {h}
    requests = spark.read.format("delta").load(mesh.path("x.governance.gdpr_requests"))
    status = {r["request_id"]: (r["request_type"], r["status"], r["subject_hash"]) for r in requests.collect()}
    assert status[st.erasure["request_id"]] == ("erasure", "done", h)
    assert status[st.access["request_id"]] == ("access", "done", h)
    for t in ("audit_log", "gdpr_requests", "erasure_suppression"):
        assert files_containing(Path(mesh.path(f"x.governance.{t}")), {GDPR_SUBJECT}) == {}, t


def test_erasure_runs_twice_safely(mesh: Plane, st: State):
    again = ok(cli("--type", "erasure", "--tenant", GDPR_TENANT, "--subject", GDPR_SUBJECT, "--vacuum-retain-hours", "0"))
    assert again["request_id"] != st.erasure["request_id"]
    assert all(r["found"] == r["deleted"] == r["anonymized"] == 0 for r in again["tables"].values())
    suppression = mesh.spark().read.format("delta").load(mesh.path("x.governance.erasure_suppression"))
    assert suppression.filter(F.col("tenant_id") == GDPR_TENANT).count() == 1


def test_a_kafka_replay_does_not_bring_the_subject_back(mesh: Plane, st: State):
    old, fresh = [], []
    for domain in DOMAINS:
        for bronze in (d for d in mesh.contract(domain)["datasets"] if d["layer"] == "bronze" and d["subjectKey"]):
            events = mesh.events(bronze["source"]["topic"])
            old += [e for e in events if e["subject"] == GDPR_SUBJECT and e["tenant"] == GDPR_TENANT]
            # One new event of another subject per topic shows the replayed run did ingest.
            other = next(e for e in events if e["kind"] == "valid" and e["tenant"] == GDPR_TENANT and e["subject"] != GDPR_SUBJECT)
            fresh.append({**other, "key": other["key"] + "-replay", "value": other["value"].replace(other["key"], other["key"] + "-replay")})
    assert len(old) > 10
    bronze_before = {r["dataset"]: mesh.table(r["dataset"]).count() for r in subject_tables(st) if r["layer"] == "bronze"}
    mesh.stop_spark()
    mesh.produce(old + fresh)
    mesh.run_pipeline()
    fresh_per_table = Counter(e["topic"] for e in fresh)
    for r in subject_tables(st):
        assert counts(mesh, r)[(GDPR_TENANT, GDPR_SUBJECT)] == 0, r["dataset"]
        if r["layer"] == "bronze":
            topic = next(d for d in mesh.contract(r["domain"])["datasets"] if d["table"] == r["dataset"])["source"]["topic"]
            assert mesh.table(r["dataset"]).count() == bronze_before[r["dataset"]] + fresh_per_table[topic], r["dataset"]


def test_retention_deletes_rows_past_their_period_and_keeps_the_rest(mesh: Plane, st: State):
    tables = [r for r in st.registry if r["retention_period"] and r["retention_column"] and r["kind"] != "materialized_view"]
    before = {}
    t0 = datetime.now(timezone.utc)
    for r in tables:
        col = F.col(r["retention_column"])
        df = mesh.table(r["dataset"])
        before[r["dataset"]] = (df.count(), df.filter(col < F.lit(t0 - g.duration(r["retention_period"]))).count())
    mesh.stop_spark()
    # Without the salt: retention hashes no subject, so it must not depend on the salt's secret.
    assert "LAKEMESH_SUBJECT_SALT" not in os.environ
    result = ok(job("retention", "--registry-table", "lakemesh_dev.governance.gdpr_registry", "--catalog-override", "spark_catalog", "--vacuum-retain-hours", "0"))
    t1 = datetime.now(timezone.utc)
    expired_somewhere = kept_somewhere = False
    for r in tables:
        total, old = before[r["dataset"]]
        expired = result["tables"][r["dataset"]]["expired"]
        df = mesh.table(r["dataset"])
        col = F.col(r["retention_column"])
        period = g.duration(r["retention_period"])
        assert old <= expired and df.count() == total - expired, r["dataset"]
        assert df.filter(col < F.lit(t0 - period)).count() == 0, r["dataset"]
        assert df.filter(col >= F.lit(t1 - period)).count() == df.count(), r["dataset"]
        expired_somewhere |= expired > 0
        kept_somewhere |= expired > 0 and df.count() > 0
    assert expired_somewhere and kept_somewhere
    audit = mesh.spark().read.format("delta").load(mesh.path("x.governance.audit_log")).filter(F.col("request_id") == result["request_id"])
    assert audit.filter(F.col("action") == "retention").count() == len(tables)
