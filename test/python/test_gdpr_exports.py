"""Subject-access exports expire (issue 13 item 5), on the local plane: the nightly retention job deletes exports older
than the settings' export_retention_days (the local settings keep the stack default, 7) and keeps newer ones; the
erasure job deletes the erased subject's exports at once, and nobody else's. Exports are named by request id only.

Destructive (retention expires rows, the erasure erases the twin subject), after test_gdpr.py's tests, which read the
data this changes."""
from __future__ import annotations

import os
import shutil
import time

import pytest
from pyspark.sql import functions as F

import lakemesh_gdpr as g
from gdpr_fixtures import SALT, job, ok
from plane import GDPR_SUBJECT, TWIN_TENANT, WORK, Plane

pytestmark = pytest.mark.destructive(order=200)

ROOT_DIR = WORK / "exports-expiry"
# The twin (GDPR_SUBJECT in TWIN_TENANT): its rows survive the session's erasure request, so its exports hold rows.
TENANT, SUBJECT, OTHER = TWIN_TENANT, GDPR_SUBJECT, GDPR_SUBJECT.replace("-002", "-001")
DAY = 86_400


def access(subject: str) -> str:
    rid = g.new_request_id()
    out = ok(job("subject_access", "--record", "--request-id", rid, "--export-root", str(ROOT_DIR), request={"type": "access", "tenant": TENANT, "subject": subject}))
    assert out["folder"] == str(ROOT_DIR / rid) and (ROOT_DIR / rid / "manifest.json").is_file()
    return rid


def audit(mesh: Plane, request_id: str, action: str) -> list[dict]:
    log = mesh.spark().read.format("delta").load(mesh.path("x.governance.audit_log"))
    return [r.asDict() for r in log.filter((F.col("request_id") == request_id) & (F.col("action") == action)).collect()]


def test_retention_deletes_exports_older_than_the_period_and_keeps_newer_ones(mesh: Plane, gdpr_before):
    shutil.rmtree(ROOT_DIR, ignore_errors=True)
    old, new = access(SUBJECT), access(SUBJECT)
    # The old export's request was filed 8 days ago (an export is dated by its request in gdpr_requests).
    g.check(g.REQUEST, old, "request id", "a UUID")
    mesh.spark().sql(f"UPDATE spark_catalog.governance.gdpr_requests SET requested_at = requested_at - INTERVAL 8 DAYS WHERE request_id = '{old}'")
    # Entries without a request are dated by their files: an 8-day-old folder goes, a fresh file stays.
    stray = ROOT_DIR / "stray-folder"
    stray.mkdir()
    (stray / "rows.json").write_text("{}")
    for p in (stray / "rows.json", stray):
        os.utime(p, (time.time() - 8 * DAY, time.time() - 8 * DAY))
    (ROOT_DIR / "fresh.json").write_text("{}")
    result = ok(job("retention", "--export-root", str(ROOT_DIR), "--vacuum-retain-hours", "0"))
    assert result["exports"] == {"expired": 2, "kept": 2, "retention_days": 7}
    assert sorted(p.name for p in ROOT_DIR.iterdir()) == sorted([new, "fresh.json"])
    details = sorted(r["detail"] for r in audit(mesh, result["request_id"], "export_expired"))
    assert [d.split(" made ")[0] for d in details] == sorted([f"export {old}", "export stray-folder"])
    assert all(d.endswith("older than 7 days") for d in details)
    # Named by request id only: no subject id in any name under the root, and the audit names none.
    assert not any(SUBJECT in str(p) for p in ROOT_DIR.rglob("*")) and not any(SUBJECT in d for d in details)


def test_erasure_deletes_the_subjects_exports_at_once_and_no_one_elses(mesh: Plane, gdpr_before):
    mine, other = access(SUBJECT), access(OTHER)
    before = {p.name for p in ROOT_DIR.iterdir()}
    assert {mine, other} <= before and len([n for n in before if g.REQUEST.fullmatch(n)]) == 3  # and the newer one above
    rid = g.new_request_id()
    ok(job("erasure", "--record", "--request-id", rid, "--export-root", str(ROOT_DIR), "--vacuum-retain-hours", "0", request={"type": "erasure", "tenant": TENANT, "subject": SUBJECT}))
    left = {p.name for p in ROOT_DIR.iterdir()}
    assert left == {other, "fresh.json"}, left
    erased = audit(mesh, rid, "export_erased")
    assert [(r["rows_affected"], r["tenant_id"], r["subject_hash"]) for r in erased] == [(2, TENANT, g.subject_hash(SALT, TENANT, SUBJECT))]
    # Of every access request of the subject (other runs' exports went with their own roots or with retention).
    assert erased[0]["detail"].startswith("deleted 2 of the subject's ") and erased[0]["detail"].endswith(" access exports")
