"""Triggered runs on the warm engine are incremental: nothing new, nothing done; a new event or a changed table, a run.

A skipped run must never hide work: new events on a topic, or a table changed outside the pipeline (what an erasure or
retention job does to silver), make the next trigger run, and the gold materialized views are recomputed from the
changed silver. Destructive: it adds an event and deletes a row.
"""
from __future__ import annotations

import json

import pytest

import incremental
from plane import Plane

pytestmark = pytest.mark.destructive

GRANTS = "lakemesh_dev.core_business.equity_grants"
SUMMARY = "lakemesh_dev.core_business.plan_grant_summary"


def versions(mesh: Plane) -> dict[str, int | None]:
    docs = [mesh.contract(d) for d in ("core-business", "users-identity", "usage-engagement", "outcomes-performance")]
    return incremental.versions(incremental.tables_of(docs))


def test_a_trigger_with_nothing_new_is_skipped_and_writes_nothing(mesh: Plane):
    mesh.run_pipeline()  # whatever earlier tests left to do
    before = versions(mesh)
    r = mesh.run_pipeline()
    assert r["skipped"] is True and "no new events" in r["reason"]
    assert versions(mesh) == before
    assert all(v is not None for v in before.values())


def test_a_new_event_is_read_by_the_next_trigger_and_only_it(mesh: Plane):
    bronze = next(d for d in mesh.contract("core-business")["datasets"] if d["name"] == "bronze_equity_grants")
    event = next(e for e in mesh.events(bronze["source"]["topic"]) if e["kind"] == "valid")
    key = event["key"] + "-incremental"
    mesh.produce([{**event, "key": key, "value": event["value"].replace(event["key"], key)}])
    grants_before = mesh.table(bronze["table"]).count()
    r = mesh.run_pipeline()
    assert r["skipped"] is False
    assert mesh.table(bronze["table"]).count() == grants_before + 1
    assert mesh.table(GRANTS).filter(f"grant_id = '{key}'").count() == 1
    assert mesh.run_pipeline()["skipped"] is True


def test_a_table_changed_outside_the_pipeline_makes_the_next_trigger_recompute_gold(mesh: Plane):
    spark = mesh.spark()
    row = spark.read.table("spark_catalog.core_business.equity_grants").filter("status <> 'cancelled'").first()
    key = row["grant_id"]
    summary = {(r.tenant_id, r.plan_id, r.grant_type): r.grant_count for r in mesh.table(SUMMARY).collect()}
    # What an erasure does to silver (and as it does it: the value only in a one-row MERGE source; Delta's DELETE takes
    # no parameter markers): the pipeline did not write this version, so its fingerprint no longer matches.
    spark.createDataFrame([(key,)], "grant_id STRING").createOrReplaceTempView("incremental_test_keys")
    spark.sql("MERGE INTO spark_catalog.core_business.equity_grants t USING incremental_test_keys s ON t.grant_id = s.grant_id WHEN MATCHED THEN DELETE")
    r = mesh.run_pipeline()
    assert r["skipped"] is False
    after = {(r.tenant_id, r.plan_id, r.grant_type): r.grant_count for r in mesh.table(SUMMARY).collect()}
    group = (row["tenant_id"], row["plan_id"], row["grant_type"])
    assert after.get(group, 0) == summary[group] - 1
    assert {k: v for k, v in after.items() if k != group} == {k: v for k, v in summary.items() if k != group}


def test_the_fingerprint_is_what_the_pipeline_reads(plane: Plane):
    docs = [plane.contract("outcomes-performance")]
    # Its gold reads three other domains' silver: their versions are part of it, as is the suppression list.
    tables = incremental.tables_of(docs)
    assert "lakemesh_dev.core_business.equity_grants" in tables and "lakemesh_dev.users_identity.users" in tables
    assert docs[0]["governance"]["erasureSuppression"] in tables
    assert incremental.topics_of(docs) == ["outcomes-performance.forecasts.v1"]
    assert incremental.clock_dependent(docs) == []
    clocked = json.loads(json.dumps(docs[0]))
    gold = next(d for d in clocked["datasets"] if d["kind"] == "materialized_view")
    gold["source"]["filter"] = "period_start <= current_date()"
    assert incremental.clock_dependent([clocked]) == [gold["table"]]
