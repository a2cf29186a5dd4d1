"""Keyed silver: an upsert by key, ordered by the dataset's sequence column. AUTO CDC on Databricks; on the local
plane a stand-in with the same semantics, both from the same contract `keyed` block through `flow_kwargs`.

A silver dataset with a primary key (contract `keyed`: keys = tenant key + primary key, `sequenceBy`, `scdType`) keeps
one row per key with the values of the change with the highest sequence value (SCD type 1), or one row per version of
each key with __START_AT and __END_AT (SCD type 2). Replays and duplicates change nothing, a correction (a higher
sequence value) replaces the earlier row, an event that arrives late with a lower sequence value loses.

On Databricks it is declared as three things:

  1. a temporary view of its changes: bronze parsed into the dataset's columns, events of unregistered tenants held
     back, with the dataset's expectations (so a NULL key or sequence is dropped before the flow sees it);
  2. the target streaming table, from `create_streaming_table`;
  3. an AUTO CDC flow from the view into the table: `create_auto_cdc_flow(keys=, sequence_by=, stored_as_scd_type=)`.

Databricks (https://docs.databricks.com/aws/en/ldp/developer/ldp-python-ref-apply-changes, .../ldp-python-ref-streaming-table):
the target carries the compiled schema with its column masks, the row filter, clustering and properties, exactly as
@dp.table does for other tables; an SCD type 2 target's schema declares __START_AT and __END_AT typed as the sequence
column, as that page requires (contract.ts historyDdl). AUTO CDC writes as the pipeline's run-as principal, which is
in the pipelines group: tenant_filter and the masks let it see every row in clear, so its MERGE matches existing rows
instead of duplicating the hidden ones. The view reads bronze with skipChangeCommits, so the erasure job's deletes in
bronze do not stop the stream (https://docs.databricks.com/aws/en/ldp/cdc-advanced).

Locally, open-source Spark 4.2 has create_auto_cdc_flow but refuses a Delta target through spark_catalog
(AUTOCDC_TARGET_DOES_NOT_SUPPORT_MERGE: it needs a DSv2 connector with row-level operations), and its pipelines have
no foreachBatch sink to MERGE from. The local stand-in (`declare_local`) is therefore:

  1. an append-only streaming table of the changes, `changes_table(name)` beside the dataset in its schema: the same
     query and expectations as the Databricks view, so unknown tenants stop at bronze and the erasure suppression list
     (applied at bronze) holds. It holds personal data, so the local plane registers it for the GDPR jobs with the
     dataset's own registry row (scripts/local/mesh.py registry_rows): erasure and retention reach it, and the next
     run cannot bring an erased subject back; an anonymized row stays anonymized, as in the dataset;
  2. the dataset itself as a materialized view over the changes (`keep_latest`): per key the row with the highest
     sequence value (type 1), or every distinct sequence value as a version with __START_AT and __END_AT (type 2).
     Open-source materialized views are recomputed in full on every run: a fixed cost that grows with the changes.

Where the stand-in and AUTO CDC may differ (https://docs.databricks.com/aws/en/ldp/cdc): AUTO CDC wants "one
distinct update per key at each sequencing value" and does not say which of several it keeps; the stand-in takes exact
duplicates as one and, for different rows at the same sequence value, keeps the greatest by the other columns in
column order (`tie_break`: NULL lowest, a MAP by its entries sorted by key, as Spark cannot order maps), so reruns and
the independent check in test/python/test_e2e.py agree. Type 2 opens a version per distinct sequence value of a key
(the contract has no track-history column list).
"""
from __future__ import annotations

from typing import Any, Callable

from pyspark.sql import DataFrame

import lakemesh_contract as lc
import lakemesh_dq as dq


def changes_view_name(ds: dict[str, Any], contract: lc.Contract) -> str:
    """The temporary view of a keyed dataset's changes: unique per schema."""
    return f"lm__changes__{lc.ident(contract.raw['schema'])}__{lc.ident(ds['name'])}"


def flow_kwargs(ds: dict[str, Any], name: str, view: str) -> dict[str, Any]:
    """Arguments of create_auto_cdc_flow for a keyed dataset."""
    keyed = ds["keyed"]
    # Column names as strings: the API takes them (sequence_by "str, col() or struct()"), and a string needs no session.
    return {
        "target": name,
        "source": view,
        "keys": [lc.ident(k) for k in keyed["keys"]],
        "sequence_by": lc.ident(keyed["sequenceBy"]),
        "stored_as_scd_type": keyed["scdType"],
    }


def declare(query: Callable[[], DataFrame], ds: dict[str, Any], name: str, view: str) -> None:
    """Declares the changes view (with the dataset's expectations), the target streaming table and the AUTO CDC flow."""
    changes = dq.with_expectations(query, ds["expectations"], True)
    dq.dp.temporary_view(name=view, comment=f"Changes of {ds['name']}, for its AUTO CDC flow.")(changes)
    dq.dp.create_streaming_table(**dq.dataset_kwargs(ds, name, True))
    dq.dp.create_auto_cdc_flow(**flow_kwargs(ds, name, view))


# The columns AUTO CDC adds to an SCD type 2 target, typed as the sequence column (https://docs.databricks.com/aws/en/ldp/cdc).
START_AT, END_AT = "__START_AT", "__END_AT"
# The local stand-in's changes table: lm_changes__<dataset table>, in the dataset's schema. Local only.
CHANGES_PREFIX = "lm_changes__"


def changes_table(name: str) -> str:
    """The local stand-in's table of a keyed dataset's changes (catalog.schema.table in, the same schema out)."""
    cat, schema, table = lc.table_name(name).split(".")
    return f"{cat}.{schema}.{CHANGES_PREFIX}{table}"


def tie_break(column: str, type_: str) -> Any:
    """The value that orders rows of one key at the same sequence value by `column`: the column itself, or for a MAP
    its entries sorted by key (a map has no order in Spark, INVALID_ORDERING_TYPE; sorted entries are its canonical
    form, so equal maps compare equal whatever their insertion order)."""
    from pyspark.sql import functions as F

    col = F.col(column)
    return F.array_sort(F.map_entries(col)) if type_.strip().lower().startswith("map") else col


def keep_latest(changes: DataFrame, kwargs: dict[str, Any], columns: list[tuple[str, str]] | None = None) -> DataFrame:
    """What AUTO CDC makes of `changes` with these flow arguments (flow_kwargs): one row per key with the values of
    its highest sequence value (type 1), or one version per distinct sequence value with __START_AT and __END_AT
    (type 2, __END_AT NULL on the current version). Exact duplicates count once; different rows of one key at the same
    sequence value (which AUTO CDC does not allow) leave the greatest by their other columns in column order
    (tie_break; NULL lowest), so reruns agree.
    `columns` are the changes' (name, type) pairs; inside a pipeline query they must be given (asking the DataFrame analyses it,
    which SDP refuses there: ATTEMPT_ANALYSIS_IN_PIPELINE_QUERY_FUNCTION)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    keys, seq, scd = kwargs["keys"], kwargs["sequence_by"], kwargs["stored_as_scd_type"]
    typed = list(changes.dtypes if columns is None else columns)
    cols = [c for c, _ in typed]
    # Every other column breaks ties, MAP columns by their sorted entries (tie_break).
    tie = [tie_break(c, t).desc_nulls_last() for c, t in typed if c not in keys and c != seq]
    # select and filter only: Spark Connect analyses withColumn and drop when the flow is registered, before the
    # changes table exists (TABLE_OR_VIEW_NOT_FOUND).
    if scd == 1:
        w = Window.partitionBy(*keys).orderBy(F.col(seq).desc(), *tie)
        return changes.select(*cols, F.row_number().over(w).alias("lm__n")).filter(F.col("lm__n") == 1).select(*cols)
    if scd != 2:
        raise lc.ContractError(f"stored_as_scd_type must be 1 or 2, not {scd!r}")
    one = Window.partitionBy(*keys, seq).orderBy(*tie)
    versions = changes.select(*cols, F.row_number().over(one).alias("lm__n")).filter(F.col("lm__n") == 1).select(*cols)
    w = Window.partitionBy(*keys).orderBy(F.col(seq))
    return versions.select(*cols, F.col(seq).alias(START_AT), F.lead(F.col(seq)).over(w).alias(END_AT))


def local_schema(ds: dict[str, Any], scd: int) -> str:
    """The stand-in's target schema: the dataset's local columns, plus __START_AT and __END_AT for type 2."""
    ddl = dq.column_ddl(ds, False)
    if scd == 2:
        seq_type = next(c["type"] for c in ds["columns"] if c["name"] == ds["keyed"]["sequenceBy"])
        ddl += f", `{START_AT}` {seq_type}, `{END_AT}` {seq_type}"
    return ddl


def declare_local(spark: Any, query: Callable[[], DataFrame], ds: dict[str, Any], name: str) -> str:
    """The local stand-in for `declare`: the append-only changes table (with the dataset's expectations) and the
    dataset as a materialized view that keeps the latest row per key. Returns the changes table's name."""
    changes = changes_table(name)
    kwargs = flow_kwargs(ds, name, changes)
    comment = f"lakemesh local plane: the changes of {ds['name']}, from which it keeps the latest row per key (AUTO CDC stand-in)."
    dq.dp.table(**{**dq.dataset_kwargs(ds, changes, False), "comment": comment})(dq.with_expectations(query, ds["expectations"], False))

    def latest() -> DataFrame:
        return keep_latest(spark.read.table(changes), kwargs, [(lc.ident(c["name"]), c["type"]) for c in ds["columns"]])

    latest.__name__ = f"lm_keyed__{lc.ident(ds['name'])}"
    dq.dp.materialized_view(**{**dq.dataset_kwargs(ds, name, False), "schema": local_schema(ds, kwargs["stored_as_scd_type"])})(latest)
    return changes


def current_rows(df: DataFrame) -> DataFrame:
    """The current version of each key of an SCD type 2 table: the one whose __END_AT is NULL."""
    from pyspark.sql import functions as F

    return df.filter(F.col("__END_AT").isNull())
