"""Keyed silver on the local plane (lakemesh_keyed's AUTO CDC stand-in), from the contract's `keyed` block.

The stand-in tests run over small in-memory changes (no pipeline run): SCD type 1 and type 2 with duplicates, a
correction and a late event. The replay test sends the whole topic twice more, a correction and an out-of-order event,
and runs the pipeline: silver holds one row per key with the latest values and gold sums are exact. It is destructive
(it sends events and runs the pipeline), after test_gdpr in file order: write assertions against the data as found.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from pyspark.sql import functions as F

import lakemesh_keyed as keyed
from plane import GDPR_SUBJECT, GDPR_TENANT, Plane

SCHEMA = "tenant_id STRING, grant_id STRING, shares_granted BIGINT, status STRING, updated_at TIMESTAMP"


def shifted(ts: str, days: int) -> str:
    t = datetime.fromisoformat(ts.replace("Z", "+00:00")) + timedelta(days=days)
    return t.isoformat().replace("+00:00", "Z")


def at(day: int) -> datetime:
    return datetime(2026, 1, day, 12, 0, 0)


# Arrival order: g1 three times (replays), g1's correction, then g1's stale event (lower sequence, arrives last);
# g2 in another tenant with the same grant id (keys include the tenant); g3 once.
CHANGES = [
    ("t1", "g1", 100, "active", at(1)),
    ("t1", "g1", 100, "active", at(1)),
    ("t1", "g1", 100, "active", at(1)),
    ("t1", "g1", 150, "active", at(3)),
    ("t1", "g1", 999, "active", at(2)),
    ("t2", "g1", 7, "active", at(1)),
    ("t1", "g3", 40, "cancelled", at(5)),
]


def stand_in(plane: Plane, scd: int) -> list[tuple]:
    grants = next(d for d in plane.contract("core-business")["datasets"] if d["name"] == "equity_grants")
    ds = {**grants, "keyed": {**grants["keyed"], "scdType": scd}}
    # The same arguments the Databricks flow gets (flow_kwargs), here read by the stand-in.
    kwargs = keyed.flow_kwargs(ds, "t", "v")
    df = plane.spark().createDataFrame(CHANGES, SCHEMA)
    return sorted(tuple(r) for r in keyed.keep_latest(df, kwargs).collect())


def test_type_1_keeps_the_latest_row_per_key_whatever_the_arrival_order(plane: Plane):
    assert stand_in(plane, 1) == [
        ("t1", "g1", 150, "active", at(3)),
        ("t1", "g3", 40, "cancelled", at(5)),
        ("t2", "g1", 7, "active", at(1)),
    ]


def test_type_2_keeps_one_version_per_sequence_value_with_start_and_end(plane: Plane):
    got = stand_in(plane, 2)
    assert got == [
        ("t1", "g1", 100, "active", at(1), at(1), at(2)),
        ("t1", "g1", 150, "active", at(3), at(3), None),
        ("t1", "g1", 999, "active", at(2), at(2), at(3)),
        ("t1", "g3", 40, "cancelled", at(5), at(5), None),
        ("t2", "g1", 7, "active", at(1), at(1), None),
    ]
    # Gold reads the current versions of a type 2 input: the same rows as type 1.
    df = plane.spark().createDataFrame(got, SCHEMA + ", __START_AT TIMESTAMP, __END_AT TIMESTAMP")
    assert sorted(tuple(r)[:5] for r in keyed.current_rows(df).collect()) == stand_in(plane, 1)


def test_rows_of_one_key_at_one_sequence_value_keep_the_greatest_by_the_other_columns_maps_by_sorted_entries(plane: Plane):
    # Changes that AUTO CDC does not allow (different rows of a key at one sequence value): the stand-in keeps the
    # greatest by the other columns in column order, NULL lowest, a MAP by its entries sorted by key, in any arrival order.
    schema = "tenant_id STRING, event_id STRING, page STRING, properties MAP<STRING,STRING>, event_time TIMESTAMP"
    rows = [
        ("t1", "e1", "home", {"b": "1", "a": "9"}, at(1)),
        ("t1", "e1", "home", {"a": "9", "c": "0"}, at(1)),  # greatest: entries (a,9),(c,0) > (a,9),(b,1)
        ("t1", "e1", "home", None, at(1)),
        ("t1", "e2", None, {"z": "z"}, at(2)),
        ("t1", "e2", "cart", {"a": "a"}, at(2)),  # a page beats NULL before the map is looked at
        ("t1", "e2", "cart", {"a": "a"}, at(1)),  # lower sequence value: loses whatever its columns
    ]
    kwargs = {"keys": ["tenant_id", "event_id"], "sequence_by": "event_time", "stored_as_scd_type": 1}
    spark = plane.spark()
    for order in (rows, rows[::-1]):
        got = sorted(tuple(r) for r in keyed.keep_latest(spark.createDataFrame(order, schema), kwargs).collect())
        assert got == [("t1", "e1", "home", {"a": "9", "c": "0"}, at(1)), ("t1", "e2", "cart", {"a": "a"}, at(2))]
    # Inside a pipeline query the columns come from the contract (typed as there): the same rows.
    typed = [("tenant_id", "STRING"), ("event_id", "STRING"), ("page", "STRING"), ("properties", "MAP<STRING,STRING>"), ("event_time", "TIMESTAMP")]
    assert sorted(tuple(r) for r in keyed.keep_latest(spark.createDataFrame(rows, schema), kwargs, typed).collect()) == got


def test_the_stand_in_refuses_an_unknown_scd_type(plane: Plane):
    df = plane.spark().createDataFrame(CHANGES, SCHEMA)
    with pytest.raises(ValueError, match="stored_as_scd_type"):
        keyed.keep_latest(df, {"keys": ["tenant_id", "grant_id"], "sequence_by": "updated_at", "stored_as_scd_type": 3})


@pytest.mark.destructive
def test_replays_change_nothing_a_correction_wins_and_a_late_event_is_ignored(mesh: Plane):
    contract = mesh.contract("core-business")["datasets"]
    silver = next(d for d in contract if d["name"] == "equity_grants")
    bronze = next(d for d in contract if d["table"] == silver["source"]["table"])
    topic = bronze["source"]["topic"]
    assert silver["keyed"] == {"keys": ["tenant_id", "grant_id"], "sequenceBy": "updated_at", "scdType": 1}
    gold = "x.core_business.plan_grant_summary"

    def rows() -> dict:
        return {(r.tenant_id, r.grant_id): (r.shares_granted, r.status) for r in mesh.table(silver["table"]).collect()}

    before = rows()
    bronze_before = mesh.table(bronze["table"]).count()
    events = mesh.events(topic)
    # Not the GDPR tests' subject: an erasure suppresses that subject's events at ingest.
    # And keys silver holds now: the suite's retention run may have expired old ones, which the replay brings back.
    valid = [e for e in events if e["kind"] == "valid" and e["tenant"] == GDPR_TENANT and e["subject"] != GDPR_SUBJECT
             and (e["tenant"], json.loads(e["value"])["grant_id"]) in before]
    fixed, late = [e for e in valid if json.loads(e["value"])["status"] != "cancelled"][:2]
    p = json.loads(fixed["value"])
    correction = {**fixed, "value": json.dumps({**p, "shares_granted": p["shares_granted"] + 1000, "updated_at": shifted(p["updated_at"], 1)})}
    q = json.loads(late["value"])
    out_of_order = {**late, "value": json.dumps({**q, "shares_granted": 999999, "updated_at": shifted(q["updated_at"], -1)})}
    # The whole topic twice more (three deliveries in all), then the correction and the late event.
    mesh.produce(events + events + [correction, out_of_order])
    mesh.stop_spark()
    assert not mesh.run_pipeline()["skipped"]

    after = rows()
    fixed_key, late_key = (GDPR_TENANT, p["grant_id"]), (GDPR_TENANT, q["grant_id"])
    print(f"\n[keyed replay] bronze {bronze_before} -> {mesh.table(bronze['table']).count()} rows; silver {len(before)} -> {mesh.table(silver['table']).count()} rows")
    assert mesh.table(bronze["table"]).count() > bronze_before + len(before)  # bronze did receive the replays
    # One row per key: no key twice. Keys may come back that the suite's earlier retention run expired (the replay
    # re-delivers their events), but only keys of replayed events, and no key is lost.
    assert mesh.table(silver["table"]).count() == len(after)
    replayed = {(e["tenant"], json.loads(e["value"])["grant_id"]) for e in events if e["kind"] == "valid"}
    returned = set(after) - set(before)
    assert set(before) <= set(after) and returned <= replayed, returned
    assert after[fixed_key] == (p["shares_granted"] + 1000, p["status"])
    assert after[late_key] == before[late_key]
    assert {k: v for k, v in after.items() if k != fixed_key and k not in returned} == {k: v for k, v in before.items() if k != fixed_key}

    # Gold is computed from the keyed rows: exact, not tripled.
    s = mesh.table(silver["table"]).filter("status <> 'cancelled'")
    want = s.groupBy("tenant_id", "plan_id", "grant_type").agg(F.count(F.lit(1)).alias("grant_count"), F.sum("shares_granted").alias("shares_granted")).collect()
    got = mesh.table(gold).select("tenant_id", "plan_id", "grant_type", "grant_count", "shares_granted").collect()
    assert sorted(map(tuple, got)) == sorted(map(tuple, want))
    total = mesh.table(gold).agg(F.sum("shares_granted")).first()[0]
    expected = sum(v[0] for v in before.values() if v[1] != "cancelled") + 1000 + sum(after[k][0] for k in returned if after[k][1] != "cancelled")
    print(f"[keyed replay] gold shares_granted {total}, expected {expected}")
    assert total == expected
