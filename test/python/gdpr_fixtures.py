"""What the GDPR fixtures (conftest.py) build and the GDPR tests share: requests through the CLI and the local job
script, the state before any request, and searches of the files for personal values."""
from __future__ import annotations

import json
import os
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import mesh as local_mesh
from plane import DOMAINS, GDPR_SUBJECT, GDPR_TENANT, ROOT, TWIN_TENANT, WORK, Plane

SALT = local_mesh.SALT
# The values the byte search looks for: categories the issue names, STRING columns only.
SEARCHED = ("email", "name", "national_id")


def run(cmd: list[str], stdin: str | None = None, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, input=stdin, env={**os.environ, **env})


def cli(*args: str) -> subprocess.CompletedProcess:
    """lakemesh gdpr request ... on the engine."""
    return run(["node", str(ROOT / "bin" / "lakemesh.js"), "gdpr", "request", *args], LAKEMESH_TEST_VACUUM_ANY_AGE="1")


def job(name: str, *args: str, request: dict | None = None) -> subprocess.CompletedProcess:
    """scripts/local/gdpr.sh <name> args; with `request` ({type, tenant, subject}) on stdin, for --record."""
    return run(["bash", str(ROOT / "scripts" / "local" / "gdpr.sh"), name, *args], None if request is None else json.dumps(request), LAKEMESH_TEST_VACUUM_ANY_AGE="1")


def job_parameters(r: subprocess.CompletedProcess) -> list[str]:
    """The parameters the job ran with, as the engine reports them (gdpr_request.py's `[gdpr] <job> parameters:` line)."""
    line = next(x for x in r.stderr.splitlines() if x.startswith("[gdpr] ") and " parameters: " in x)
    return json.loads(line.split(" parameters: ", 1)[1])


def ok(r: subprocess.CompletedProcess) -> dict:
    """The result: all the CLI prints, or the last line a job prints."""
    assert r.returncode == 0, r.stderr[-3000:]
    try:
        return json.loads(r.stdout)
    except json.JSONDecodeError:
        return json.loads(r.stdout.strip().splitlines()[-1])


@dataclass
class Before:
    """The state before any GDPR request: the registry rows of the test domains, rows per (tenant, subject) of each
    subject table, and the STRING personal values of GDPR_SUBJECT and of another subject, by category."""

    registry: list[dict]
    counts: dict[str, Counter]
    values: dict[str, set[str]]
    other_values: dict[str, set[str]]


def subject_tables(registry: list[dict]) -> list[dict]:
    return [r for r in registry if r["subject_key"] and r["tenant_key"]]


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


def before(mesh: Plane) -> Before:
    fields = local_mesh.REGISTRY_FIELDS
    schemas = {d.replace("-", "_") for d in DOMAINS}
    rows = [dict(zip(fields, r)) for r in local_mesh.registry_rows(mesh.plan)]
    registry = [r for r in rows if r["dataset"].split(".")[1] in schemas]
    assert len(registry) < len(rows), "the registry also lists domains the tests do not run: the jobs must skip their absent tables"
    b = Before(registry=registry, counts={r["dataset"]: counts(mesh, r) for r in subject_tables(registry)},
               values=personal_values(mesh, GDPR_SUBJECT), other_values=personal_values(mesh, GDPR_SUBJECT.replace("-002", "-001")))
    for c in SEARCHED:
        assert b.values[c] and b.other_values[c], f"the sample gives {GDPR_SUBJECT} no {c} value to search for"
    return b


# One export root for every request, as on Databricks (the GDPR volume): the erasure deletes the subject's exports there.
EXPORTS = WORK / "exports"


def access(mesh: Plane) -> dict:
    return ok(cli("--type", "access", "--tenant", GDPR_TENANT, "--subject", GDPR_SUBJECT, "--export-root", str(EXPORTS)))


def twin_access(mesh: Plane) -> dict:
    """An export of the twin (same subject id, the other tenant), made before the erasure, which must leave it."""
    return ok(cli("--type", "access", "--tenant", TWIN_TENANT, "--subject", GDPR_SUBJECT, "--export-root", str(EXPORTS)))


def erasure(mesh: Plane) -> dict:
    r = cli("--type", "erasure", "--tenant", GDPR_TENANT, "--subject", GDPR_SUBJECT, "--export-root", str(EXPORTS))
    out = ok(r)
    # Not done until a re-run after the domains' next pipeline runs finds nothing: the CLI says so, and how to finish.
    assert f"request {out['request_id']} is erasing, not done" in r.stderr and f"gdpr.sh erasure --request-id {out['request_id']}" in r.stderr, r.stderr[-2000:]
    return out
