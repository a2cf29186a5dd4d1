"""Keyed silver on Databricks: an upsert by key, ordered by the dataset's sequence column (AUTO CDC).

A silver dataset with a primary key (contract `keyed`: keys = tenant key + primary key, `sequenceBy`, `scdType`) is
declared as three things:

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

Open-source Spark 4.2 has create_auto_cdc_flow, but refuses a Delta target through spark_catalog
(AUTOCDC_TARGET_DOES_NOT_SUPPORT_MERGE: it needs a DSv2 connector with row-level operations), so on the local plane
keyed silver is still declared append-only (lakemesh_datasets.declare_all). A local shim with the same semantics is
not built yet: locally, duplicates and replays are NOT removed.
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


def current_rows(df: DataFrame) -> DataFrame:
    """The current version of each key of an SCD type 2 table: the one whose __END_AT is NULL."""
    from pyspark.sql import functions as F

    return df.filter(F.col("__END_AT").isNull())
