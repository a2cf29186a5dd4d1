"""Declares a domain's datasets from its contract: bronze from Kafka, silver from bronze, gold by aggregate."""
from __future__ import annotations

from typing import Any

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

import lakemesh_contract as lc
import lakemesh_dq as dq

SALT_CONF = "lakemesh.subject_salt"
SASL_USER_CONF = "lakemesh.kafka.sasl_username"
SASL_PASSWORD_CONF = "lakemesh.kafka.sasl_password"


def subject_hash(salt: str, tenant: Column, subject: Column) -> Column:
    """sha256 of salt:tenant:subject, the key of the erasure suppression list (the GDPR jobs use the same)."""
    return F.sha2(F.concat_ws(":", F.lit(salt), tenant, subject), 256)


def _jaas_quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def kafka_options(spark: SparkSession, contract: lc.Contract, topic: str) -> dict[str, str]:
    k = contract.raw["kafka"]
    local = spark.conf.get(lc.LOCAL_BOOTSTRAP_CONF, None)
    opts = {
        "kafka.bootstrap.servers": local or k["bootstrapServers"],
        "subscribe": lc.topic_name(topic),
        "startingOffsets": k["startingOffsets"],
        "failOnDataLoss": "true" if k["failOnDataLoss"] else "false",
        "groupIdPrefix": k["groupIdPrefix"],
    }
    timeout = spark.conf.get("spark.lakemesh.kafka.api_timeout_ms", None)
    if timeout:  # local runs fail fast when the broker is down
        opts["kafka.default.api.timeout.ms"] = timeout
        opts["kafka.request.timeout.ms"] = timeout
    # SASL_PLAINTEXT: a local broker only (settings refuse it for any other).
    if local is None and k["securityProtocol"] in ("SASL_SSL", "SASL_PLAINTEXT"):
        user, password = spark.conf.get(SASL_USER_CONF, None), spark.conf.get(SASL_PASSWORD_CONF, None)
        if not user or not password:
            raise lc.ContractError(f"{k['securityProtocol']} needs {SASL_USER_CONF} and {SASL_PASSWORD_CONF} in the pipeline configuration (secret references)")
        opts["kafka.security.protocol"] = k["securityProtocol"]
        opts["kafka.sasl.mechanism"] = k["saslMechanism"]
        opts["kafka.sasl.jaas.config"] = f"org.apache.kafka.common.security.scram.ScramLoginModule required username={_jaas_quote(user)} password={_jaas_quote(password)};"
    return opts


def bronze_query(spark: SparkSession, contract: lc.Contract, ds: dict[str, Any]):
    src = ds["source"]
    tenant_field, subject_field = src["tenantField"], src["subjectField"]
    suppression = contract.local_table(contract.raw["governance"]["erasureSuppression"])
    salt = spark.conf.get(SALT_CONF, None)
    if subject_field and not salt:
        raise lc.ContractError(f"the pipeline configuration has no {SALT_CONF}: erased subjects could not be suppressed")

    def query() -> DataFrame:
        raw = spark.readStream.format("kafka").options(**kafka_options(spark, contract, src["topic"])).load()
        value = F.col("value").cast("string")
        cols: list[Column] = []
        if tenant_field:
            cols.append(F.get_json_object(value, f"$.{lc.ident(tenant_field)}").alias("tenant_id"))
        if subject_field:
            cols.append(F.get_json_object(value, f"$.{lc.ident(subject_field)}").alias("subject_id"))
        cols += [
            value.alias("value"),
            F.col("topic").alias("kafka_topic"),
            F.col("partition").alias("kafka_partition"),
            F.col("offset").alias("kafka_offset"),
            F.col("timestamp").alias("kafka_timestamp"),
            F.current_timestamp().alias("ingested_at"),
        ]
        df = raw.select(*cols)
        if subject_field and tenant_field:
            # Events of erased subjects never land again, even when Kafka replays them.
            erased = spark.read.table(suppression).select(F.col("tenant_id").alias("_s_tenant"), F.col("subject_hash").alias("_s_hash"))
            keyed = df.withColumn("_hash", subject_hash(salt, F.col("tenant_id"), F.col("subject_id")))
            df = keyed.join(erased, (keyed["tenant_id"] == erased["_s_tenant"]) & (keyed["_hash"] == erased["_s_hash"]), "left_anti").drop("_hash")
        return df

    return query


def silver_query(spark: SparkSession, contract: lc.Contract, ds: dict[str, Any]):
    src = ds["source"]
    bronze = contract.local_table(src["table"])
    names = [lc.ident(c["name"]) for c in ds["columns"]]

    def query() -> DataFrame:
        reader = spark.readStream
        for k, v in src["readOptions"].items():
            reader = reader.option(k, v)
        parsed = F.from_json(F.col("value"), src["payloadSchema"])
        return reader.table(bronze).select(parsed.alias("p")).select(*[F.col(f"p.{n}").alias(n) for n in names])

    return query


_MEASURES = {
    "count": lambda c: F.count(F.lit(1)),
    "count_distinct": lambda c: F.countDistinct(F.col(c)),
    "sum": lambda c: F.sum(F.col(c)),
    "avg": lambda c: F.avg(F.col(c)),
    "min": lambda c: F.min(F.col(c)),
    "max": lambda c: F.max(F.col(c)),
}


def gold_query(spark: SparkSession, contract: lc.Contract, ds: dict[str, Any]):
    src = ds["source"]

    def query() -> DataFrame:
        first, *rest = src["inputs"]
        df = spark.read.table(contract.local_table(first["table"]))
        for i in rest:
            df = df.join(spark.read.table(contract.local_table(i["table"])), on=[lc.ident(k) for k in i["join"]["on"]], how=i["join"]["type"])
        if src["filter"]:
            # The predicate passed lakemesh's load-time grammar check (one boolean expression over known columns).
            df = df.filter(F.expr(src["filter"]))
        aggs = [_MEASURES[m["function"]](m["column"]).alias(lc.ident(m["name"])) for m in src["measures"]]
        out = df.groupBy(*[lc.ident(g) for g in src["groupBy"]]).agg(*aggs)
        return out.select(*[F.col(c["name"]).cast(c["type"]).alias(c["name"]) for c in ds["columns"]])

    return query


QUERIES = {"bronze": bronze_query, "silver": silver_query, "gold": gold_query}


def declare_all(spark: SparkSession, contract: lc.Contract) -> list[str]:
    """Declares every dataset of the contract; returns the table names."""
    names = []
    for ds in contract.datasets:
        name = contract.local_table(ds["table"])
        dq.declare(ds["kind"], QUERIES[ds["layer"]](spark, contract, ds), ds, name)
        names.append(name)
    return names
