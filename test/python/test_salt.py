"""The subject salt's integrity (issue 13 item 4): the pipelines and the GDPR jobs refuse a salt that looks unresolved
and stop when it does not match the fingerprint the deployment (locally `local:up`, mesh.prepare) wrote to
governance.salt_fingerprint; with the right salt they run. No error shows the salt."""
from __future__ import annotations

import types

import pytest

import lakemesh_contract as lc
import lakemesh_gdpr as g
import lakemesh_salt
import mesh as local_mesh
from gdpr_fixtures import SALT, log_files, run
from plane import ROOT, WAREHOUSE, WORK, Plane

# printf '%s' "lakemesh subject-salt fingerprint v1" | openssl dgst -sha256 -hmac test-salt (the vector of
# test/compile/salt-fingerprint.test.ts, which the deployment's TypeScript is held to).
VECTOR = ("test-salt", "e4ef905b80d02882792b36801573868349edb33f7112325f665f2c3e99202141")
UNRESOLVED = ["", "   ", "\t\n", "salt\n", " salt", "{{secrets/lakemesh-gdpr/subject-salt}}", "x{{secrets/a/b}}"]
FINGERPRINT_TABLE = "spark_catalog.governance.salt_fingerprint"


def test_the_pipelines_and_the_jobs_compute_the_deployments_fingerprint():
    salt, want = VECTOR
    assert lakemesh_salt.fingerprint(salt) == want
    assert g.salt_fingerprint(salt) == want
    assert lakemesh_salt.FINGERPRINT_MESSAGE == g.SALT_FINGERPRINT_MESSAGE == "lakemesh subject-salt fingerprint v1"


@pytest.mark.parametrize("salt", UNRESOLVED)
def test_a_salt_that_looks_unresolved_is_refused_by_both(salt):
    with pytest.raises(lakemesh_salt.SaltError, match="the subject salt from there "):
        lakemesh_salt.refuse_unresolved(salt, "there")
    with pytest.raises(g.SaltIntegrityError, match="the subject salt from there "):
        g.refuse_unresolved_salt(salt, "there")
    assert lakemesh_salt.refuse_unresolved("s3cret-salt", "there") == g.refuse_unresolved_salt("s3cret-salt", "there") == "s3cret-salt"


def test_the_fingerprint_check_names_the_problem_and_never_the_salt():
    salt, fp = "s3cret-salt-value", lakemesh_salt.fingerprint("s3cret-salt-value")
    ok = {"message": lakemesh_salt.FINGERPRINT_MESSAGE, "fingerprint": fp}
    lakemesh_salt.check_fingerprint(salt, [ok], "c.governance.salt_fingerprint", "secret s/k")
    cases = [
        ([], "c.governance.salt_fingerprint holds 0 salt fingerprints, not 1"),
        ([ok, ok], "holds 2 salt fingerprints, not 1"),
        ([{**ok, "message": "lakemesh subject-salt fingerprint v0"}], "holds a fingerprint over 'lakemesh subject-salt fingerprint v0'"),
        ([{**ok, "fingerprint": lakemesh_salt.fingerprint("other")}], "the subject salt from secret s/k does not match the fingerprint in c.governance.salt_fingerprint"),
    ]
    for rows, problem in cases:
        with pytest.raises(lakemesh_salt.SaltError) as e:
            lakemesh_salt.check_fingerprint(salt, rows, "c.governance.salt_fingerprint", "secret s/k")
        assert problem in str(e.value) and salt not in str(e.value)


class _Rows:
    def __init__(self, rows):
        self.rows = rows

    def select(self, *cols):
        return self

    def collect(self):
        return [types.SimpleNamespace(asDict=lambda r=r: dict(r)) for r in self.rows]


def _spark(conf: dict, rows: list[dict] | None):
    """A stand-in session: its configuration, and the fingerprint table (None: the table cannot be read)."""
    def table(name):
        assert name == "lakemesh_dev.governance.salt_fingerprint"
        if rows is None:
            raise RuntimeError("TABLE_OR_VIEW_NOT_FOUND")
        return _Rows(rows)

    return types.SimpleNamespace(conf=types.SimpleNamespace(get=lambda k, d=None: conf.get(k, d)), read=types.SimpleNamespace(table=table))


class _Secrets:
    def __init__(self, value):
        self.secrets = self
        self.value = value

    def get(self, scope, key):
        return self.value


def test_a_databricks_pipeline_stops_at_declaration_on_a_mismatch_or_a_missing_fingerprint(plane: Plane):
    """On Databricks (native): the salt from the named secret, checked against the table before the query exists."""
    import lakemesh_datasets as ld

    contract = lc.parse(local_mesh.contracts(plane.plan, ["core-business"])["core-business"].read_text())
    names = {ld.SALT_SCOPE_CONF: "lakemesh-gdpr", ld.SALT_KEY_CONF: "subject-salt"}
    good = [{"message": lakemesh_salt.FINGERPRINT_MESSAGE, "fingerprint": lakemesh_salt.fingerprint("deployed-salt")}]
    assert ld.verified_salt(_spark(names, good), contract, native=True, dbutils=_Secrets("deployed-salt")) == "deployed-salt"
    for value, rows, problem in [
        ("rotated-by-hand", good, "the subject salt from secret lakemesh-gdpr/subject-salt does not match the fingerprint in lakemesh_dev.governance.salt_fingerprint"),
        ("deployed-salt", [], "lakemesh_dev.governance.salt_fingerprint holds 0 salt fingerprints, not 1"),
        ("deployed-salt", None, "cannot read the salt fingerprint lakemesh_dev.governance.salt_fingerprint (RuntimeError)"),
        ("deployed-salt\n", good, "starts or ends with whitespace"),
        ("  ", good, "is empty or only whitespace"),
    ]:
        with pytest.raises(lc.ContractError) as e:
            ld.verified_salt(_spark(names, rows), contract, native=True, dbutils=_Secrets(value))
        assert problem in str(e.value) and (not value.strip() or value.strip() not in str(e.value)), str(e.value)


def test_the_local_pipeline_declaration_checks_the_fingerprint_local_up_wrote(mesh: Plane, monkeypatch):
    """The local plane works the same way: mesh.prepare wrote the fingerprint of the local salt; a pipeline declaring
    bronze with another salt (lakemesh.local.subject_salt) stops before its query exists, with the right one it runs."""
    import lakemesh_datasets as ld

    spark = mesh.spark()
    rows = spark.read.table(FINGERPRINT_TABLE).collect()
    assert [(r["message"], r["fingerprint"]) for r in rows] == [(lakemesh_salt.FINGERPRINT_MESSAGE, lakemesh_salt.fingerprint(SALT))]
    contract = lc.parse(local_mesh.contracts(mesh.plan, ["core-business"])["core-business"].read_text(), catalog_override="spark_catalog")
    bronze = next(d for d in contract.datasets if d["source"]["kind"] == "kafka" and d["source"]["subjectField"])
    monkeypatch.setattr(ld.dq, "NATIVE", False)
    try:
        spark.conf.set(ld.LOCAL_SALT_CONF, "not-the-local-salt")
        with pytest.raises(lc.ContractError) as e:
            ld.bronze_query(spark, contract, bronze)
        assert "the subject salt from lakemesh.local.subject_salt does not match the fingerprint in spark_catalog.governance.salt_fingerprint" in str(e.value)
        assert "not-the-local-salt" not in str(e.value)
        spark.conf.set(ld.LOCAL_SALT_CONF, "{{secrets/lakemesh-gdpr/subject-salt}}")
        with pytest.raises(lc.ContractError, match="secret reference"):
            ld.bronze_query(spark, contract, bronze)
        spark.conf.set(ld.LOCAL_SALT_CONF, SALT)
        assert callable(ld.bronze_query(spark, contract, bronze))
    finally:
        spark.conf.unset(ld.LOCAL_SALT_CONF)


def _job(name: str, salt: str, *args: str):
    return run(["bash", str(ROOT / "scripts" / "local" / "gdpr.sh"), name, *args], LAKEMESH_SUBJECT_SALT=salt, LAKEMESH_TEST_VACUUM_ANY_AGE="1")


@pytest.mark.parametrize("job", ["subject_access", "erasure"])
def test_a_gdpr_job_with_another_salt_stops_at_start_and_changes_nothing(mesh: Plane, job: str):
    before = log_files(WAREHOUSE)
    root = WORK / "exports-salt"
    for salt, problem in [
        ("not-the-deployed-salt", "refused: the subject salt from LAKEMESH_SUBJECT_SALT does not match the fingerprint in spark_catalog.governance.salt_fingerprint"),
        ("{{secrets/lakemesh-gdpr/subject-salt}}", "refused: the subject salt from LAKEMESH_SUBJECT_SALT is an unresolved {{secrets/...}} reference, not a salt"),
        (" ", "refused: the subject salt from LAKEMESH_SUBJECT_SALT is empty or only whitespace"),
    ]:
        r = _job(job, salt, "--request-id", g.new_request_id(), "--export-root", str(root))
        assert r.returncode == 2 and r.stderr.startswith(problem), r.stderr[-2000:]
        assert salt.strip() == "" or salt not in r.stderr.replace("{{secrets/...}}", "")
    # Refused before the request was read or anything written: no table changed, no export folder.
    assert log_files(WAREHOUSE) == before
    assert not root.exists() or not any(root.iterdir())
    # With the local salt the same job runs up to its request (none was filed: refused for that, after the check).
    r = _job(job, SALT, "--request-id", g.new_request_id(), "--export-root", str(root))
    assert r.returncode == 2 and "is not in the request inbox" in r.stderr, r.stderr[-2000:]
