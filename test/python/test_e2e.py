"""End to end on a real Kafka broker and Spark with Delta: four domains, bronze -> silver -> gold."""
from __future__ import annotations

from collections import Counter

import pytest
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from plane import SAMPLE, Plane


def dataset(plane: Plane, domain: str, name: str) -> dict:
    return next(d for d in plane.contract(domain)["datasets"] if d["name"] == name)


def produced(plane: Plane, ds: dict, kinds: tuple[str, ...]) -> DataFrame:
    """The produced payloads of a silver dataset's topic, parsed by an independent path (not the pipeline's)."""
    spark = plane.spark()
    bronze = dataset(plane, ds["table"].split(".")[1].replace("_", "-"), "bronze_" + ds["source"]["table"].split(".bronze_")[1])
    topic = bronze["source"]["topic"]
    values = [e["value"] for e in plane.events(topic) if e["kind"] in kinds]
    schema = ", ".join(f"`{c['name']}` {c['type']}" for c in ds["columns"])
    return spark.createDataFrame([(v,) for v in values], "value STRING").select(F.from_json("value", schema).alias("p")).select("p.*")


def expected_silver(plane: Plane, ds: dict) -> DataFrame:
    # Events of the unregistered tenant stay in bronze; malformed and tenant-less ones fail the expectations.
    df = produced(plane, ds, ("valid", "malformed", "missing-tenant"))
    for e in ds["expectations"]:
        if e["action"] == "drop":
            df = df.filter(F.coalesce(F.expr(e["predicate"]), F.lit(False)))
    return latest_per_key(df, ds["keyed"]) if ds["keyed"] else df


def latest_per_key(df: DataFrame, keyed: dict) -> DataFrame:
    """Keyed silver (SCD type 1) by another path than the pipeline's window: per key, the row with the greatest
    (sequence value, other columns in column order) as the guide defines ties; a MAP compares by its entries sorted by
    key (Spark cannot order a map, so max_by carries the row and orders by this canonical form)."""
    assert keyed["scdType"] == 1
    keys, seq = keyed["keys"], keyed["sequenceBy"]
    types = dict(df.dtypes)
    rest = [c for c in df.columns if c not in keys and c != seq]
    order = [F.array_sort(F.map_entries(c)) if types[c].startswith("map") else F.col(c) for c in rest]
    latest = df.groupBy(*keys).agg(F.max_by(F.struct(seq, *rest), F.struct(F.col(seq), *order)).alias("m"))
    return latest.select(*keys, *[F.col(f"m.{c}").alias(c) for c in [seq, *rest]]).select(*df.columns)


def comparable(df: DataFrame) -> list[tuple]:
    """Rows as sortable tuples: a MAP (a dict) as its sorted items, NULL before any value."""
    def value(v):
        v = tuple(sorted(v.items())) if isinstance(v, dict) else v
        return (v is not None, v if v is not None else 0)

    return [tuple(value(v) for v in r) for r in df.collect()]


SILVER = [("core-business", "equity_grants"), ("core-business", "equity_plans"), ("users-identity", "users"), ("usage-engagement", "feature_usage"), ("usage-engagement", "events")]


@pytest.mark.parametrize("domain,name", SILVER)
def test_bronze_keeps_every_event_with_a_tenant(mesh: Plane, domain: str, name: str):
    ds = dataset(mesh, domain, name)
    bronze = next(d for d in mesh.contract(domain)["datasets"] if d["table"] == ds["source"]["table"])
    events = mesh.events(bronze["source"]["topic"])
    kinds = Counter(e["kind"] for e in events)
    rows = mesh.table(bronze["table"])
    # Tenant-less events are dropped by lm__valid_tenant; every other event lands, malformed or not.
    assert rows.count() == kinds["valid"] + kinds["malformed"] + kinds["wrong-tenant"]
    assert kinds["missing-tenant"] == SAMPLE["missing-tenant"] and kinds["malformed"] == SAMPLE["malformed"]
    by_tenant = {r[0]: r[1] for r in rows.groupBy("tenant_id").count().collect()}
    want = Counter(e["tenant"] for e in events if e["kind"] != "missing-tenant")
    assert by_tenant == dict(want)


@pytest.mark.parametrize("domain,name", SILVER)
def test_silver_matches_an_independent_parse_with_the_same_expectations(mesh: Plane, domain: str, name: str):
    ds = dataset(mesh, domain, name)
    key = next(c["name"] for c in ds["columns"] if c["name"].endswith("_id") and not c["nullable"] and c["name"] != "tenant_id")
    got = mesh.table(ds["table"])
    want = expected_silver(mesh, ds)
    assert got.count() == want.count() > 0
    assert sorted(r[0] for r in got.select(key).collect()) == sorted(r[0] for r in want.select(key).collect())
    # Row for row, values included: a keyed dataset kept the same row of each key (ties broken as the guide says).
    assert sorted(comparable(got.select(*want.columns))) == sorted(comparable(want))
    # The malformed events (primary key missing) never reach silver.
    events = mesh.events(next(d for d in mesh.contract(domain)["datasets"] if d["table"] == ds["source"]["table"])["source"]["topic"])
    malformed = [e for e in events if e["kind"] == "malformed"]
    assert len(malformed) == SAMPLE["malformed"]
    bronze_rows = mesh.table(ds["source"]["table"]).count()
    dropped = bronze_rows - got.count()
    assert dropped >= len(malformed)


def test_gold_aggregates_per_tenant_are_right(mesh: Plane):
    grants = expected_silver(mesh, dataset(mesh, "core-business", "equity_grants")).filter("status <> 'cancelled'")
    want = (
        grants.groupBy("tenant_id", "plan_id", "grant_type")
        .agg(F.count(F.lit(1)).alias("grant_count"), F.sum("shares_granted").alias("shares_granted"), F.countDistinct("holder_user_id").alias("holders"))
        .collect()
    )
    got = mesh.table("x.core_business.plan_grant_summary").select("tenant_id", "plan_id", "grant_type", "grant_count", "shares_granted", "holders").collect()
    assert sorted(map(tuple, got)) == sorted(map(tuple, want))
    # The sample's unregistered tenant (tenant-unknown) stops at bronze.
    assert {r.tenant_id for r in got} == {"tenant-01", "tenant-02"}


def test_cross_domain_gold_joins_other_domains_silver_within_each_tenant(mesh: Plane):
    grants = expected_silver(mesh, dataset(mesh, "core-business", "equity_grants"))
    plans = expected_silver(mesh, dataset(mesh, "core-business", "equity_plans")).select("tenant_id", "plan_id", "plan_type")
    want = (
        grants.join(plans, ["tenant_id", "plan_id"], "inner")
        .groupBy("tenant_id", "plan_type")
        .agg(F.count(F.lit(1)).alias("grants"), F.sum("shares_granted").alias("shares_granted"), F.countDistinct("holder_user_id").alias("grant_holders"))
        .collect()
    )
    got = mesh.table("x.outcomes_performance.equity_kpis").select("tenant_id", "plan_type", "grants", "shares_granted", "grant_holders").collect()
    assert sorted(map(tuple, got)) == sorted(map(tuple, want))
    assert len(got) > 0


@pytest.mark.parametrize("domain", ["core-business", "users-identity", "usage-engagement", "outcomes-performance"])
def test_tables_have_the_contracts_clustering_and_properties(mesh: Plane, domain: str):
    spark = mesh.spark()
    for ds in mesh.contract(domain)["datasets"]:
        d = spark.sql(f"DESCRIBE DETAIL delta.`{mesh.path(ds['table'])}`").collect()[0].asDict()
        assert d["format"] == "delta", ds["name"]
        assert list(d["clusteringColumns"]) == ds["clusterBy"], ds["name"]
        for k in ("delta.enableDeletionVectors", "delta.dataSkippingStatsColumns", "delta.deletedFileRetentionDuration", "delta.logRetentionDuration"):
            assert d["properties"].get(k) == ds["tableProperties"][k], (ds["name"], k)


def test_unknown_tenants_stop_at_bronze_and_are_counted_in_the_quarantine(mesh: Plane):
    unknown = {"tenant-unknown"}
    for domain in ["core-business", "users-identity", "usage-engagement"]:
        datasets = mesh.contract(domain)["datasets"]
        (q,) = [d for d in datasets if d["source"]["kind"] == "quarantine"]
        want = Counter()
        for b in (d for d in datasets if d["table"] in q["source"]["inputs"]):
            want.update((e["tenant"], b["source"]["topic"]) for e in mesh.events(b["source"]["topic"]) if e["kind"] == "wrong-tenant")
        got = {(r.tenant_id, r.kafka_topic): r.events for r in mesh.table(q["table"]).collect()}
        assert got == dict(want) and {t for t, _ in got} == unknown, domain
        for ds in (d for d in datasets if d["layer"] in ("silver", "gold") and d["tenantKey"]):
            assert mesh.table(ds["table"]).filter(F.col(ds["tenantKey"]).isin(*unknown)).count() == 0, ds["name"]
        # Bronze keeps them for a replay after late onboarding.
        assert sum(mesh.table(t).filter(F.col("tenant_id").isin(*unknown)).count() for t in q["source"]["inputs"]) == sum(want.values())
