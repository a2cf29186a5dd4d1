"""Declares a domain's datasets from its contract: bronze from Kafka, silver from bronze, gold by aggregate."""
from __future__ import annotations

from typing import Any

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

import lakemesh_contract as lc
import lakemesh_dq as dq
import lakemesh_keyed as keyed
import lakemesh_salt

# Secrets are named in the pipeline configuration (scope and key) and read with dbutils.secrets.get. A
# {{secrets/scope/key}} reference is substituted only in compute Spark properties named spark.*
# (https://docs.databricks.com/aws/en/security/secrets/secrets-spark-conf-env-var); serverless pipelines have no
# cluster configuration, so such a value would reach this code as its literal text.
SALT_SCOPE_CONF = "lakemesh.subject_salt.secret_scope"
SALT_KEY_CONF = "lakemesh.subject_salt.secret_key"
KAFKA_SCOPE_CONF = "lakemesh.kafka.secret_scope"
SASL_USER_KEY_CONF = "lakemesh.kafka.sasl_username_key"
SASL_PASSWORD_KEY_CONF = "lakemesh.kafka.sasl_password_key"
# Local runs only (open-source Spark has no secret scopes): the salt itself.
LOCAL_SALT_CONF = "lakemesh.local.subject_salt"
SECRET_REFERENCE = "{{secrets/"

# Databricks runtimes ship a shaded Kafka client: its JAAS login modules live under kafkashaded., and the plain class
# name fails with "No LoginModule found" (https://docs.databricks.com/aws/en/connect/streaming/kafka/authentication).
# Open-source Spark uses the plain client.
SCRAM_LOGIN_MODULE = {True: "kafkashaded.org.apache.kafka.common.security.scram.ScramLoginModule", False: "org.apache.kafka.common.security.scram.ScramLoginModule"}


def conf(spark: SparkSession, key: str) -> str | None:
    """A pipeline configuration value; a secret reference left unresolved is refused, whatever the key."""
    value = spark.conf.get(key, None)
    if value is not None and SECRET_REFERENCE in value:
        shown = value.split("}}")[0] + "}}"
        raise lc.ContractError(f"{key} holds a secret reference ({shown}), which pipelines do not resolve; name the secret's scope and key in the configuration instead")
    return value or None


def _dbutils(spark: SparkSession):
    """Databricks utilities: the runtime's module on Databricks (serverless pipelines included)."""
    try:
        from databricks.sdk.runtime import dbutils  # type: ignore[import-not-found]

        return dbutils
    except ImportError:
        pass
    try:
        from pyspark.dbutils import DBUtils  # type: ignore[import-not-found]

        return DBUtils(spark)
    except ImportError as e:
        raise lc.ContractError("Databricks secrets can only be read on Databricks (no dbutils here)") from e


def secret(spark: SparkSession, scope_conf: str, key_conf: str, what: str, dbutils=None) -> str:
    """The secret the configuration names (scope and key), read with dbutils.secrets.get; empty or unresolved values fail."""
    scope, key = conf(spark, scope_conf), conf(spark, key_conf)
    if not scope or not key:
        raise lc.ContractError(f"the pipeline configuration must name the {what} secret: {scope_conf} and {key_conf}")
    value = (dbutils or _dbutils(spark)).secrets.get(scope=scope, key=key)
    if not value:
        raise lc.ContractError(f"secret {scope}/{key} ({what}) is empty")
    if value.startswith(SECRET_REFERENCE):
        raise lc.ContractError(f"secret {scope}/{key} ({what}) holds a secret reference, not a value")
    return value


def subject_salt(spark: SparkSession, native: bool = dq.NATIVE, dbutils=None) -> str:
    """The subject-hash salt: from the secret scope on Databricks; from lakemesh.local.subject_salt on local runs only."""
    if native:
        return secret(spark, SALT_SCOPE_CONF, SALT_KEY_CONF, "subject salt", dbutils)
    salt = conf(spark, LOCAL_SALT_CONF)
    if not salt:
        raise lc.ContractError(f"local runs take the salt from {LOCAL_SALT_CONF}: erased subjects could not be suppressed without it")
    return salt


def verified_salt(spark: SparkSession, contract: lc.Contract, native: bool = dq.NATIVE, dbutils=None) -> str:
    """The subject salt (subject_salt), refused when it looks unresolved (empty, whitespace, a {{secrets/...}} reference)
    and checked against the fingerprint the deployment wrote to governance.salt_fingerprint: a pipeline that hashed
    with another salt would let every erased subject back in. Errors name where the salt came from, never the salt."""
    where = f"secret {conf(spark, SALT_SCOPE_CONF)}/{conf(spark, SALT_KEY_CONF)}" if native else LOCAL_SALT_CONF
    table = contract.local_table(contract.raw["governance"]["saltFingerprint"])
    try:
        salt = lakemesh_salt.refuse_unresolved(subject_salt(spark, native, dbutils), where)
        try:
            rows = [r.asDict() for r in spark.read.table(table).select("message", "fingerprint").collect()]
        except Exception as e:  # noqa: BLE001 - a missing table or no SELECT on it: the salt cannot be checked
            raise lakemesh_salt.SaltError(f"cannot read the salt fingerprint {table} ({type(e).__name__}); the pipeline needs SELECT on it and the platform stack writes it") from None
        lakemesh_salt.check_fingerprint(salt, rows, table, where)
    except lakemesh_salt.SaltError as e:
        raise lc.ContractError(str(e)) from None
    return salt


def subject_hash(salt: str, tenant: Column, subject: Column) -> Column:
    """sha256 of salt:tenant:subject, the key of the erasure suppression list (the GDPR jobs use the same)."""
    return F.sha2(F.concat_ws(":", F.lit(salt), tenant, subject), 256)


def _jaas_quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def kafka_options(spark: SparkSession, contract: lc.Contract, topic: str, native: bool = dq.NATIVE, dbutils=None) -> dict[str, str]:
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
    # SASL_PLAINTEXT: kafka.auth sasl-scram-sha512-plaintext, which settings allow for a broker on 127.0.0.1 only.
    if local is None and k["securityProtocol"] in ("SASL_SSL", "SASL_PLAINTEXT"):
        user = secret(spark, KAFKA_SCOPE_CONF, SASL_USER_KEY_CONF, "Kafka user", dbutils)
        password = secret(spark, KAFKA_SCOPE_CONF, SASL_PASSWORD_KEY_CONF, "Kafka password", dbutils)
        opts["kafka.security.protocol"] = k["securityProtocol"]
        opts["kafka.sasl.mechanism"] = k["saslMechanism"]
        opts["kafka.sasl.jaas.config"] = f"{SCRAM_LOGIN_MODULE[native]} required username={_jaas_quote(user)} password={_jaas_quote(password)};"
    return opts


def bronze_query(spark: SparkSession, contract: lc.Contract, ds: dict[str, Any]):
    src = ds["source"]
    tenant_field, subject_field = src["tenantField"], src["subjectField"]
    suppression = contract.local_table(contract.raw["governance"]["erasureSuppression"])
    # Read when the dataset is declared, so a missing, unresolved or mismatched salt stops the update before any event lands.
    salt = verified_salt(spark, contract) if subject_field else None

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
            df = without_erased(spark, suppression, salt, df)  # type: ignore[arg-type]
        return df

    return query


def without_erased(spark: SparkSession, suppression: str, salt: str, df: DataFrame) -> DataFrame:
    """df (tenant_id and subject_id columns) without the rows of erased subjects: an anti-join with the erasure
    suppression list on (tenant, salted hash), read at its latest version on every micro-batch (stream-static join,
    https://docs.databricks.com/aws/en/transform/join#stream-static)."""
    erased = spark.read.table(suppression).select(F.col("tenant_id").alias("_s_tenant"), F.col("subject_hash").alias("_s_hash"))
    # Unqualified names (the list's are renamed apart): with df["..."] references and withColumn, registering silver's
    # flow failed on the local engine (TABLE_OR_VIEW_NOT_FOUND for bronze, not defined yet at registration).
    matches = (F.col("tenant_id") == F.col("_s_tenant")) & (subject_hash(salt, F.col("tenant_id"), F.col("subject_id")) == F.col("_s_hash"))
    return df.join(erased, matches, "left_anti")


def registered_tenants(spark: SparkSession, contract: lc.Contract) -> DataFrame:
    """Tenants with at least one principal in governance.tenant_principals: the only ones silver and gold hold.

    A batch read joined to a stream is re-read at its latest version on every micro-batch (stream-static join,
    https://docs.databricks.com/aws/en/transform/join#stream-static), so a tenant registered later passes from then on.
    """
    return spark.read.table(contract.local_table(contract.raw["governance"]["tenantPrincipals"])).select(F.col("tenant_id").alias("lm__registered")).distinct()


def only_registered(spark: SparkSession, contract: lc.Contract, df: DataFrame, tenant_col: str) -> DataFrame:
    tenants = registered_tenants(spark, contract)
    return df.join(tenants, df[lc.ident(tenant_col)] == tenants["lm__registered"], "left_semi")


def silver_query(spark: SparkSession, contract: lc.Contract, ds: dict[str, Any]):
    src = ds["source"]
    bronze = contract.local_table(src["table"])
    names = [lc.ident(c["name"]) for c in ds["columns"]]
    upstream = next(d["source"] for d in contract.datasets if d["table"] == src["table"])
    suppressed = bool(upstream.get("tenantField") and upstream.get("subjectField"))
    suppression = contract.local_table(contract.raw["governance"]["erasureSuppression"])
    salt = verified_salt(spark, contract) if suppressed else None

    def query() -> DataFrame:
        reader = spark.readStream
        for k, v in src["readOptions"].items():
            reader = reader.option(k, v)
        raw = reader.table(bronze)
        if suppressed:
            # Issue 13 item 2: bronze rows an erasure raced with (a micro-batch that read Kafka before the suppression
            # insert and committed after the bronze DELETE, or an append silver had not consumed yet: skipChangeCommits
            # skips the DELETE's commit, not the earlier append) must not reach silver and gold.
            raw = without_erased(spark, suppression, salt, raw)  # type: ignore[arg-type]
        if src["registeredTenantsOnly"]:
            # Events of unregistered tenants stay in bronze (counted in the tenant quarantine) until a replay.
            raw = only_registered(spark, contract, raw, "tenant_id")
        parsed = F.from_json(F.col("value"), src["payloadSchema"])
        return raw.select(parsed.alias("p")).select(*[F.col(f"p.{n}").alias(n) for n in names])

    return query


def quarantine_query(spark: SparkSession, contract: lc.Contract, ds: dict[str, Any]):
    """Per tenant and topic, the bronze events of tenants that are not registered."""
    inputs = [contract.local_table(t) for t in ds["source"]["inputs"]]

    def query() -> DataFrame:
        tenants = registered_tenants(spark, contract)
        out = None
        for t in inputs:
            b = spark.read.table(t)
            held = b.join(tenants, b["tenant_id"] == tenants["lm__registered"], "left_anti")
            agg = held.groupBy("tenant_id", "kafka_topic").agg(
                F.count(F.lit(1)).alias("events"), F.min("kafka_timestamp").alias("first_event_at"), F.max("kafka_timestamp").alias("last_event_at")
            )
            out = agg if out is None else out.unionByName(agg)
        return out.select(*[F.col(c["name"]).cast(c["type"]).alias(c["name"]) for c in ds["columns"]])

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

    def read(i: dict[str, Any]) -> DataFrame:
        df = spark.read.table(contract.local_table(i["table"]))
        # Keyed silver of SCD type 2 keeps every version (AUTO CDC, or the local stand-in); gold aggregates the current ones.
        return keyed.current_rows(df) if i["currentOnly"] else df

    def query() -> DataFrame:
        first, *rest = src["inputs"]
        df = read(first)
        for i in rest:
            df = df.join(read(i), on=[lc.ident(k) for k in i["join"]["on"]], how=i["join"]["type"])
        if src["registeredTenantsOnly"]:
            # The tenant key is the first group-by column of a tenant gold dataset (contract.ts goldDataset).
            df = only_registered(spark, contract, df, src["groupBy"][0])
        if src["filter"]:
            # The predicate passed lakemesh's load-time grammar check (one boolean expression over known columns).
            df = df.filter(F.expr(src["filter"]))
        aggs = [_MEASURES[m["function"]](m["column"]).alias(lc.ident(m["name"])) for m in src["measures"]]
        out = df.groupBy(*[lc.ident(g) for g in src["groupBy"]]).agg(*aggs)
        return out.select(*[F.col(c["name"]).cast(c["type"]).alias(c["name"]) for c in ds["columns"]])

    return query


QUERIES = {"kafka": bronze_query, "bronze": silver_query, "aggregate": gold_query, "quarantine": quarantine_query}


def declare_all(spark: SparkSession, contract: lc.Contract) -> list[str]:
    """Declares every dataset of the contract; returns the table names."""
    names = []
    for ds in contract.datasets:
        name = contract.local_table(ds["table"])
        query = QUERIES[ds["source"]["kind"]](spark, contract, ds)
        if ds["keyed"] is not None and dq.NATIVE:
            keyed.declare(query, ds, name, keyed.changes_view_name(ds, contract))
        elif ds["keyed"] is not None:
            # Open-source AUTO CDC refuses a Delta target: the stand-in with the same semantics (lakemesh_keyed).
            keyed.declare_local(spark, query, ds, name)
        else:
            dq.declare(ds["kind"], query, ds, name)
        names.append(name)
    return names
