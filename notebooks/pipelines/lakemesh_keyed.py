"""Keyed silver: an upsert by key, ordered by the dataset's sequence column, on Databricks and on open-source Spark.

A silver dataset with a primary key (contract `keyed`: keys = tenant key + primary key, `sequenceBy`, `scdType`) is
declared as three things, on both platforms:

  1. a temporary view of its changes: bronze parsed into the dataset's columns, events of unregistered tenants held
     back, with the dataset's expectations (so a NULL key or sequence is dropped before the flow sees it);
  2. the target streaming table, from `create_streaming_table`;
  3. an AUTO CDC flow from the view into the table: `create_auto_cdc_flow(keys=, sequence_by=, stored_as_scd_type=)`.

Databricks (https://docs.databricks.com/aws/en/ldp/developer/ldp-python-ref-apply-changes, .../ldp-python-ref-streaming-table):
the target carries the compiled schema with its column masks, the row filter, clustering and properties, exactly as
@dp.table does for other tables. AUTO CDC writes as the pipeline's run-as principal, which is in the pipelines group:
tenant_filter and the masks let it see every row in clear, so its MERGE matches existing rows instead of duplicating
the hidden ones. The view reads bronze with skipChangeCommits, so the erasure job's deletes in bronze do not stop the
stream (https://docs.databricks.com/aws/en/ldp/cdc-advanced: DML on a source needs skipChangeCommits; DML on an AUTO
CDC target, which the erasure job runs, is supported).

Open-source Spark 4.2 (pyspark.pipelines.api): create_auto_cdc_flow exists and runs SCD type 1 (stored_as_scd_type
accepts only 1). Its target gets a `__spark_autocdc_metadata` column, so no schema is declared for it there (a declared
schema without that column is refused); there are no masks, row filters or clustering arguments either (dq.py says
why). SCD type 2 is not in 4.2: the shim stores every version as an SCD type 1 upsert keyed by the keys plus
__START_AT (the sequence value), so duplicates and replays still change nothing, and `close_versions` (run by
scripts/local/mesh.py after each local update) sets __END_AT to the next version's __START_AT, which is what
Databricks stores. Gold reads the current versions the same way on both (current_rows).
"""
from __future__ import annotations

from typing import Any, Callable

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

import lakemesh_contract as lc
import lakemesh_dq as dq

START_AT, END_AT = "__START_AT", "__END_AT"


def changes_view_name(ds: dict[str, Any], contract: lc.Contract) -> str:
    """The temporary view of a keyed dataset's changes: unique per schema, as local runs load several domains."""
    return f"lm__changes__{lc.ident(contract.raw['schema'])}__{lc.ident(ds['name'])}"


def flow_kwargs(ds: dict[str, Any], name: str, view: str, native: bool = dq.NATIVE) -> dict[str, Any]:
    """Arguments of create_auto_cdc_flow for a keyed dataset."""
    keyed = ds["keyed"]
    keys = [lc.ident(k) for k in keyed["keys"]]
    seq = lc.ident(keyed["sequenceBy"])
    # Column names as strings: both APIs take them (sequence_by "str, col() or struct()"), and a string needs no session.
    if native or keyed["scdType"] == 1:
        return {"target": name, "source": view, "keys": keys, "sequence_by": seq, "stored_as_scd_type": keyed["scdType"]}
    # Local SCD type 2: one row per version, keyed by its __START_AT.
    return {"target": name, "source": view, "keys": keys + [START_AT], "sequence_by": START_AT, "stored_as_scd_type": 1}


def target_kwargs(ds: dict[str, Any], name: str, native: bool = dq.NATIVE) -> dict[str, Any]:
    """Arguments of create_streaming_table for a keyed dataset's target."""
    kw = dq.dataset_kwargs(ds, name, native)
    if not native:
        kw.pop("schema")  # see the module docstring: open-source AUTO CDC adds its own metadata column
    return kw


def _with_history_columns(query: Callable[[], DataFrame], ds: dict[str, Any]) -> Callable[[], DataFrame]:
    seq = lc.ident(ds["keyed"]["sequenceBy"])
    # The type comes from the contract: a query's schema cannot be asked for while the pipeline graph is defined
    # (its source tables may not exist before the first update).
    seq_type = next(c["type"] for c in ds["columns"] if c["name"] == seq)

    def inner() -> DataFrame:
        return query().withColumn(START_AT, F.col(seq)).withColumn(END_AT, F.lit(None).cast(seq_type))

    return inner


def declare(query: Callable[[], DataFrame], ds: dict[str, Any], name: str, view: str, native: bool = dq.NATIVE) -> None:
    """Declares the changes view (with the dataset's expectations), the target streaming table and the AUTO CDC flow."""
    changes = dq.with_expectations(query, ds["expectations"], native)
    if not native and ds["keyed"]["scdType"] == 2:
        changes = _with_history_columns(changes, ds)
    dq.dp.temporary_view(name=view, comment=f"Changes of {ds['name']}, for its AUTO CDC flow.")(changes)
    dq.dp.create_streaming_table(**target_kwargs(ds, name, native))
    dq.dp.create_auto_cdc_flow(**flow_kwargs(ds, name, view, native))


def current_rows(df: DataFrame) -> DataFrame:
    """The current version of each key of an SCD type 2 table: the one whose __END_AT is NULL."""
    return df.filter(F.col(END_AT).isNull())


def close_versions(spark, table: str, keys: list[str]) -> int:
    """Local SCD type 2 only: sets each version's __END_AT to the next version's __START_AT (NULL on the current one).

    Databricks maintains __END_AT itself. Returns the number of rows whose __END_AT changed. Identifiers come from the
    contract (checked); no value is formatted into SQL.
    """
    from delta.tables import DeltaTable  # classic sessions only (scripts/local), never inside the pipeline

    keys = [lc.ident(k) for k in keys]
    df = spark.read.table(table)
    w = Window.partitionBy(*keys).orderBy(F.col(START_AT))
    closed = df.select(*keys, START_AT, END_AT, F.lead(START_AT).over(w).alias("lm__next")).filter(~F.col(END_AT).eqNullSafe(F.col("lm__next")))
    n = closed.count()
    if n:
        on: Column = F.lit(True)
        for k in keys + [START_AT]:
            on = on & (F.col(f"t.{k}") == F.col(f"s.{k}"))
        DeltaTable.forName(spark, table).alias("t").merge(closed.alias("s"), on).whenMatchedUpdate(set={END_AT: F.col("s.lm__next")}).execute()
    return n
