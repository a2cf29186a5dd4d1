"""The one place that knows the difference between Databricks and open-source Spark Declarative Pipelines.

On Databricks, datasets carry their row filter and column masks in the definition (row_filter=, MASK in the
schema), are clustered (cluster_by=) and use the native expectation decorators. Open-source Spark 4.2 has none
of these: unknown arguments raise TypeError, cluster_by fails for Delta tables, and there are no expectations.
There the shim leaves those arguments out, declares the schema without masks, and applies expectations as
filters on the query. Local runs cluster the tables afterwards (ALTER TABLE ... CLUSTER BY).
"""
from __future__ import annotations

import functools
from typing import Any, Callable

from pyspark import pipelines as dp
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

NATIVE = hasattr(dp, "expect_or_drop")


def column_ddl(ds: dict[str, Any], native: bool) -> str:
    """The dataset's schema as DDL: the compiled one (NOT NULL, COMMENT, MASK) natively. Open-source SDP refuses a
    NOT NULL column whose query is nullable, so there the columns are declared nullable and the generated
    expectations (lm__valid_tenant, lm__required__*) keep NULLs out."""
    if native:
        return ds["schema"]
    return ", ".join(f"`{c['name']}` {c['type']}" for c in ds["columns"])


def dataset_kwargs(ds: dict[str, Any], name: str, native: bool = NATIVE) -> dict[str, Any]:
    """Arguments of @dp.table / @dp.materialized_view for a contract dataset."""
    kw: dict[str, Any] = {
        "name": name,
        "comment": ds["comment"],
        "table_properties": dict(ds["tableProperties"]),
        "schema": column_ddl(ds, native),
    }
    if ds["partitionBy"]:
        kw["partition_cols"] = list(ds["partitionBy"])
    if native:
        if ds["clusterBy"]:
            kw["cluster_by"] = list(ds["clusterBy"])
        if ds["rowFilter"]:
            kw["row_filter"] = ds["rowFilter"]
    return kw


def _ok(predicate: str) -> Column:
    # A row whose predicate is NULL counts as failing, as Databricks expectations count it.
    return F.coalesce(F.expr(predicate), F.lit(False))


def _wrap(func: Callable[[], DataFrame], transform: Callable[[DataFrame], DataFrame]) -> Callable[[], DataFrame]:
    @functools.wraps(func)
    def inner() -> DataFrame:
        return transform(func())

    return inner


def with_expectations(func: Callable[[], DataFrame], expectations: list[dict[str, str]], native: bool = NATIVE) -> Callable[[], DataFrame]:
    """Applies the contract's expectations: warn keeps the row, drop drops it, fail stops the update."""
    for e in expectations:
        name, predicate, action = e["name"], e["predicate"], e["action"]
        if native:
            decorator = {"warn": dp.expect, "drop": dp.expect_or_drop, "fail": dp.expect_or_fail}[action]
            func = decorator(name, predicate)(func)
        elif action == "drop":
            func = _wrap(func, lambda df, p=predicate: df.filter(_ok(p)))
        elif action == "fail":
            message = F.lit(f"expectation {name} failed: {predicate}")
            func = _wrap(func, lambda df, p=predicate, m=message: df.filter(F.when(_ok(p), F.lit(True)).otherwise(F.raise_error(m))))
        # warn: open-source Spark has no expectation metrics; the row is kept either way.
    return func


def declare(kind: str, query: Callable[[], DataFrame], ds: dict[str, Any], name: str, native: bool = NATIVE) -> None:
    """Declares a streaming table or a materialized view with the contract's expectations and arguments."""
    query = with_expectations(query, ds["expectations"], native)
    decorator = dp.table if kind == "streaming_table" else dp.materialized_view
    decorator(**dataset_kwargs(ds, name, native))(query)
