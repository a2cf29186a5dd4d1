"""Triggered runs on the warm engine are incremental: nothing new, nothing done; a new event or a changed table, a run.

A skipped run must never hide work: new events on a topic, or a table changed outside the pipeline (what an erasure or
retention job does to silver), make the next trigger run, and the gold materialized views are recomputed from the
changed silver. Destructive: it adds an event and deletes a row; it runs first of the destructive modules, so that it
sees the plane exactly as the setup's run left it (the first trigger must be skipped without a run before it).
"""
from __future__ import annotations

import json

import pytest
from pyspark.sql import functions as F

import incremental
import lakemesh_keyed as keyed
from plane import Plane

pytestmark = pytest.mark.destructive(order=10)

GRANTS = "lakemesh_dev.core_business.equity_grants"
SUMMARY = "lakemesh_dev.core_business.plan_grant_summary"


def versions(mesh: Plane) -> dict[str, int | None]:
    docs = [mesh.contract(d) for d in ("core-business", "users-identity", "usage-engagement", "outcomes-performance")]
    return incremental.versions(incremental.tables_of(docs))


def test_a_trigger_with_nothing_new_is_skipped_and_writes_nothing(mesh: Plane):
    before = versions(mesh)
    r = mesh.run_pipeline()
    assert r["skipped"] is True and "no new events" in r["reason"]
    assert versions(mesh) == before
    assert all(v is not None for v in before.values())


def test_a_new_event_or_a_table_changed_outside_the_pipeline_makes_the_next_trigger_run(mesh: Plane):
    spark = mesh.spark()
    # A new event on one topic.
    bronze = next(d for d in mesh.contract("core-business")["datasets"] if d["name"] == "bronze_equity_grants")
    event = next(e for e in mesh.events(bronze["source"]["topic"]) if e["kind"] == "valid")
    key = event["key"] + "-incremental"
    mesh.produce([{**event, "key": key, "value": event["value"].replace(event["key"], key)}])
    bronze_rows = mesh.table(bronze["table"]).count()
    # A row deleted from silver as an erasure does it (the value only in a one-row MERGE source; Delta's DELETE takes
    # no parameter markers): the pipeline did not write that version, so its fingerprint no longer matches. Keyed
    # silver is recomputed locally from its changes table, which the erasure job reaches too (it is registered).
    row = spark.read.table("spark_catalog.core_business.equity_grants").filter("status <> 'cancelled'").first()
    summary = {(r.tenant_id, r.plan_id, r.grant_type): r.grant_count for r in mesh.table(SUMMARY).collect()}
    spark.createDataFrame([(row["grant_id"],)], "grant_id STRING").createOrReplaceTempView("incremental_test_keys")
    for t in ("equity_grants", keyed.CHANGES_PREFIX + "equity_grants"):
        spark.sql(f"MERGE INTO spark_catalog.core_business.{t} t USING incremental_test_keys s ON t.grant_id = s.grant_id WHEN MATCHED THEN DELETE")

    assert mesh.run_pipeline()["skipped"] is False
    # The new event went through, once.
    assert mesh.table(bronze["table"]).count() == bronze_rows + 1
    assert mesh.table(GRANTS).filter(F.col("grant_id") == key).count() == 1
    # The gold materialized view was recomputed from the changed silver: one grant less in the deleted row's group
    # (and one more in the new event's, which is another group unless they coincide).
    new = mesh.table(GRANTS).filter(F.col("grant_id") == key).first()
    after = {(r.tenant_id, r.plan_id, r.grant_type): r.grant_count for r in mesh.table(SUMMARY).collect()}
    deleted = (row["tenant_id"], row["plan_id"], row["grant_type"])
    added = (new["tenant_id"], new["plan_id"], new["grant_type"]) if new["status"] != "cancelled" else None
    want = dict(summary)
    want[deleted] -= 1
    if added is not None:
        want[added] = want.get(added, 0) + 1
    assert {k: v for k, v in after.items() if v} == {k: v for k, v in want.items() if v}
    # And then nothing is new again.
    assert mesh.run_pipeline()["skipped"] is True


def test_the_fingerprint_is_what_the_pipeline_reads(plane: Plane):
    docs = [plane.contract("outcomes-performance")]
    # Its gold reads three other domains' silver: their versions are part of it, as is the suppression list.
    tables = incremental.tables_of(docs)
    assert "lakemesh_dev.core_business.equity_grants" in tables and "lakemesh_dev.users_identity.users" in tables
    # The keyed stand-in's changes tables of its own datasets (forecasts is keyed).
    assert [t for t in tables if ".lm_changes__" in t] == ["lakemesh_dev.outcomes_performance.lm_changes__forecasts"]
    assert docs[0]["governance"]["erasureSuppression"] in tables
    assert incremental.topics_of(docs) == ["outcomes-performance.forecasts.v1"]
    assert incremental.clock_dependent(docs) == []
    clocked = json.loads(json.dumps(docs[0]))
    gold = next(d for d in clocked["datasets"] if d["kind"] == "materialized_view")
    gold["source"]["filter"] = "period_start <= current_date()"
    assert incremental.clock_dependent([clocked]) == [gold["table"]]
