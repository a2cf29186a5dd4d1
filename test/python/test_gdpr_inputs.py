"""The GDPR jobs' input checks, in plain Python (no Spark, no Kafka): the duration and subject-id corpora shared with
the TypeScript tests (test/fixtures/*.json), fullmatch on every validator, and the retention job's handling of a
dataset that fails."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

import lakemesh_contract as lc
import lakemesh_gdpr as g
import retention
from plane import ROOT

FIXTURES = ROOT / "test" / "fixtures"
DURATIONS = json.loads((FIXTURES / "durations.json").read_text(encoding="utf-8"))
SUBJECTS = json.loads((FIXTURES / "subject-ids.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("text,seconds", DURATIONS["valid"])
def test_duration_corpus_valid(text, seconds):
    assert g.duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text,problem", DURATIONS["invalid"])
def test_duration_corpus_invalid(text, problem):
    words = {"syntax": "not an ISO 8601 duration", "zero": "is zero", "too-long": "longer than 36500 days"}
    with pytest.raises(ValueError, match=words[problem]):
        g.duration(text)


def test_the_longest_duration_still_has_a_cutoff():
    # P2100Y used to overflow datetime and abort the run for every domain; the longest allowed one must not.
    assert datetime(2026, 1, 1, tzinfo=timezone.utc) - g.duration("P100Y") > datetime(1900, 1, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize("subject", SUBJECTS["valid"])
def test_subject_corpus_valid(subject):
    assert g.subject_id(subject) == subject


@pytest.mark.parametrize("subject", SUBJECTS["invalid"])
def test_subject_corpus_invalid(subject):
    with pytest.raises(g.GdprInputError):
        g.subject_id(subject)


@pytest.mark.parametrize(
    "check,value",
    [
        (g.tenant_id, "tenant-01\n"),
        (g.ident, "users\n"),
        (lambda v: g.check(g.TABLE, v, "table", ""), "a.b.c\n"),
        (lambda v: g.check(g.REQUEST, v, "request id", ""), "0b7f5a6e-1d2c-4e3f-8a9b-0c1d2e3f4a5b\n"),
    ],
)
def test_validators_refuse_a_trailing_newline(check, value):
    with pytest.raises(g.GdprInputError):
        check(value)


@pytest.mark.parametrize("check", [lc.ident, lc.table_name, lc.topic_name])
def test_contract_names_refuse_a_trailing_newline(check):
    with pytest.raises(lc.ContractError):
        check({lc.ident: "users", lc.table_name: "a.b.c", lc.topic_name: "d.t.v1"}[check] + "\n")


def test_contract_refuses_substitution_in_predicates():
    with pytest.raises(lc.ContractError, match="substitution"):
        lc.substitution_free("x = '${spark.lakemesh.subject_salt}'")
    with pytest.raises(lc.ContractError, match="substitution"):
        lc.substitution_free("x = '{{secrets/s/k}}'")
    assert lc.substitution_free("x >= 0") == "x >= 0"


class FakeJob:
    """What apply_retention uses of a Job, recording the audit log instead of writing it."""

    def __init__(self, datasets, exists):
        self.datasets, self._exists, self.audited, self.flushes = datasets, exists, [], 0
        self.settings = type("S", (), {"maintenance_threads": 1})()

    def registry(self):
        return self.datasets

    def name(self, fq):
        return fq

    def exists(self, table):
        return self._exists(table)

    def audit(self, action, dataset=None, rows=None, tenant=None, subject_hash=None, detail=None):
        self.audited.append((action, dataset, detail))

    def flush(self):
        self.flushes += 1

    def preflight(self):
        self.audited.append(("preflight", None, None))


def dataset(table, period):
    return g.Dataset(table, "d", "silver", "streaming_table", "tenant_id", None, [], period, "updated_at")


def test_retention_reports_failing_datasets_and_runs_the_others():
    def exists(table):
        if table == "c.s.broken":
            raise RuntimeError("the Delta log is unreadable\nsecond line")
        return False

    job = FakeJob([dataset("c.s.huge", "P2100Y"), dataset("c.s.fraction", "P3YT0.5S"), dataset("c.s.broken", "P1Y"), dataset("c.s.absent", "P1Y")], exists)
    result = retention.apply_retention(job, datetime(2026, 1, 1, tzinfo=timezone.utc))
    assert result == {
        "c.s.huge": {"error": "ValueError: duration 'P2100Y' is longer than 36500 days"},
        "c.s.fraction": {"error": "ValueError: not an ISO 8601 duration: 'P3YT0.5S'"},
        "c.s.broken": {"error": "RuntimeError: the Delta log is unreadable"},
        "c.s.absent": {"absent": True, "expired": 0},
    }
    assert job.audited == [
        ("preflight", None, None),
        ("request", None, "retention"),
        ("failed", "c.s.huge", "ValueError: duration 'P2100Y' is longer than 36500 days"),
        ("failed", "c.s.fraction", "ValueError: not an ISO 8601 duration: 'P3YT0.5S'"),
        ("failed", "c.s.broken", "RuntimeError: the Delta log is unreadable"),
        ("absent", "c.s.absent", "registered, not created yet: holds no data"),
        ("failed", None, json.dumps({"tables": 4, "failed": ["c.s.broken", "c.s.fraction", "c.s.huge"]})),
    ]
    assert job.flushes == 1


# The jobs' fixed settings (lakemesh_gdpr_settings.json beside the module; lib/compile/gdpr-jobs.ts writes it).
GOOD_SETTINGS = {"catalog": "lakemesh_dev", "governance_schema": "governance", "export_root": "/Volumes/lakemesh_dev/governance/gdpr_exports",
                 "salt_secret_scope": "lakemesh-gdpr", "salt_secret_key": "subject-salt", "vacuum_retain_hours": None, "export_retention_days": 7,
                 "pipelines": [{"domain": "core-business", "name": "lakemesh-dev-core-business", "continuous": False},
                               {"domain": "usage-engagement", "name": "lakemesh-dev-usage-engagement", "continuous": True}],
                 "maintenance_threads": 1}


def test_settings_file_is_read_and_validated(tmp_path):
    f = tmp_path / "s.json"
    f.write_text(json.dumps(GOOD_SETTINGS))
    s = g.load_settings(f)
    assert (s.catalog, s.table("gdpr_request_inbox"), s.vacuum_retain_hours) == ("lakemesh_dev", "lakemesh_dev.governance.gdpr_request_inbox", None)
    assert s.pipelines == (g.PipelineRef("core-business", "lakemesh-dev-core-business", False), g.PipelineRef("usage-engagement", "lakemesh-dev-usage-engagement", True))


@pytest.mark.parametrize("change, problem", [
    ({"catalog": "x; DROP"}, "catalog 'x; DROP' is not valid"),
    ({"governance_schema": "Gov"}, "governance_schema 'Gov' is not valid"),
    ({"export_root": "relative/dir"}, "export_root 'relative/dir' is not valid; an absolute path"),
    ({"export_root": "/Volumes/../etc"}, "export_root '/Volumes/../etc' is not valid"),
    ({"salt_secret_scope": "a b"}, "salt_secret_scope 'a b' is not valid"),
    ({"vacuum_retain_hours": "0"}, "vacuum_retain_hours '0' is not valid"),
    ({"vacuum_retain_hours": True}, "vacuum_retain_hours True is not valid"),
    ({"vacuum_retain_hours": -1}, "vacuum_retain_hours -1 is not valid"),
    ({"registry_table": "other.governance.gdpr_registry"}, "unknown fields ['registry_table']"),
    ({"export_retention_days": 0}, "export_retention_days 0 is not valid; a whole number of days from 1 to 30"),
    ({"export_retention_days": 31}, "export_retention_days 31 is not valid; a whole number of days from 1 to 30"),
    ({"export_retention_days": "7"}, "export_retention_days '7' is not valid"),
    ({"export_retention_days": True}, "export_retention_days True is not valid"),
    ({"maintenance_threads": 0}, "maintenance_threads 0 is not valid; a whole number from 1 to 8"),
    ({"maintenance_threads": 9}, "maintenance_threads 9 is not valid"),
    ({"maintenance_threads": True}, "maintenance_threads True is not valid"),
    ({"pipelines": None}, "pipelines None is not valid; a list of"),
    ({"pipelines": [{"domain": "core-business", "name": "x' OR name LIKE '%", "continuous": False}]}, "pipelines [{"),
    ({"pipelines": [{"domain": "core-business", "name": "lakemesh-dev-core-business", "continuous": "no"}]}, "is not valid; a list of"),
    ({"pipelines": [{"domain": "core-business", "name": "lakemesh-dev-core-business"}]}, "is not valid; a list of"),
    ({"pipelines": GOOD_SETTINGS["pipelines"][::-1]}, "sorted by domain"),
    ({"pipelines": GOOD_SETTINGS["pipelines"][:1] * 2}, "one per domain"),
])
def test_settings_file_refuses_a_bad_field(tmp_path, change, problem):
    f = tmp_path / "s.json"
    f.write_text(json.dumps({**GOOD_SETTINGS, **change}))
    with pytest.raises(g.GdprInputError, match=None) as e:
        g.load_settings(f)
    assert problem in str(e.value) and str(f) in str(e.value)


def test_settings_file_missing_or_partial_is_refused(tmp_path):
    with pytest.raises(g.GdprInputError, match="does not exist"):
        g.load_settings(tmp_path / "none.json")
    f = tmp_path / "s.json"
    f.write_text(json.dumps({k: v for k, v in GOOD_SETTINGS.items() if k != "export_root"}))
    with pytest.raises(g.GdprInputError, match=r"missing fields \['export_root'\]"):
        g.load_settings(f)
    f.write_text("[1]")
    with pytest.raises(g.GdprInputError, match="not a JSON object"):
        g.load_settings(f)


def test_the_settings_file_is_beside_the_module_unless_a_local_run_names_its_own(monkeypatch):
    monkeypatch.delenv(g.LOCAL_SETTINGS_ENV, raising=False)
    assert g.settings_path() == ROOT / "notebooks" / "gdpr" / "lakemesh_gdpr_settings.json"
    monkeypatch.setenv(g.LOCAL_SETTINGS_ENV, "/tmp/x.json")
    assert str(g.settings_path()) == "/tmp/x.json"
    # On Databricks (dbutils present) only the file beside the module counts.
    monkeypatch.setattr(g, "_dbutils", lambda: object())
    assert g.settings_path() == ROOT / "notebooks" / "gdpr" / "lakemesh_gdpr_settings.json"


@pytest.mark.parametrize("argv", [
    ["--request-id", "0f8fad5b-d9cb-469f-a165-70867728950e", "--subject-id", "user-01-001"],
    ["--request-id=0f8fad5b-d9cb-469f-a165-70867728950e", "--registry-table=x.y.z"],
    ["--catalog-override", "spark_catalog"],
])
def test_jobs_refuse_any_parameter_but_the_request_id(argv):
    with pytest.raises(g.GdprInputError, match="unknown job parameters"):
        g.job_parameters(["request_id"], argv)
    assert g.job_parameters(["request_id"], ["--request-id", "0f8fad5b-d9cb-469f-a165-70867728950e"]) == {"request_id": "0f8fad5b-d9cb-469f-a165-70867728950e"}
    with pytest.raises(g.GdprInputError, match="unknown job parameters"):
        g.job_parameters([], ["--vacuum-retain-hours", "0"])


class FakeWidgets:
    def __init__(self, values):
        self.values = values

    def getAll(self):
        return dict(self.values)

    def get(self, name):
        return self.values[name]


def test_on_databricks_an_undeclared_job_parameter_is_refused(monkeypatch):
    fake = type("D", (), {"widgets": FakeWidgets({"request_id": "r", "subject_id": "user-01-001"})})()
    monkeypatch.setattr(g, "_dbutils", lambda: fake)
    with pytest.raises(g.GdprInputError, match=r"unknown job parameters \['subject_id'\]"):
        g.job_parameters(["request_id"], None)
