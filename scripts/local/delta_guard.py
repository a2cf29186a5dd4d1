"""The local stand-in for Databricks' refusal of the Delta Lake API on tables with row filters or column masks.

Open-source Spark has no row filters, so `delta.tables.DeltaTable` would work on every local table and a GDPR job
that used it again would pass every local test, then fail on Databricks on every table it exists to clean
("Delta Lake APIs are not supported" on such tables:
https://docs.databricks.com/aws/en/data-governance/unity-catalog/filters-and-masks/, Limitations). The engine runs
every GDPR job inside `forbid()`: any use of DeltaTable raises DeltaApiForbidden and is recorded, and the request
fails even if the job caught the error (engine_ops.py). test/python/test_gdpr_static.py checks the same statically.
"""
from __future__ import annotations

import contextlib
from typing import Iterator


class DeltaApiForbidden(RuntimeError):
    """A GDPR job used the Delta Lake API (DeltaTable), which Databricks refuses on filtered or masked tables."""


def _refuse(calls: list[str], what: str) -> DeltaApiForbidden:
    calls.append(what)
    return DeltaApiForbidden(f"DeltaTable.{what}: the Delta Lake API is refused on tables with row filters or column masks; use SQL DELETE/UPDATE with bound parameters")


@contextlib.contextmanager
def forbid() -> Iterator[list[str]]:
    """Replaces delta.tables.DeltaTable (and delta.DeltaTable) while the block runs; yields the list of attempted uses."""
    import delta
    import delta.tables

    calls: list[str] = []

    class _Meta(type):
        def __getattr__(cls, name: str):
            raise _refuse(calls, name)

    class ForbiddenDeltaTable(metaclass=_Meta):
        def __init__(self, *args, **kwargs) -> None:
            raise _refuse(calls, "__init__")

    saved = (delta.tables.DeltaTable, getattr(delta, "DeltaTable", None))
    delta.tables.DeltaTable = ForbiddenDeltaTable  # type: ignore[misc, assignment]
    delta.DeltaTable = ForbiddenDeltaTable  # type: ignore[attr-defined]
    try:
        yield calls
    finally:
        delta.tables.DeltaTable = saved[0]  # type: ignore[misc]
        if saved[1] is not None:
            delta.DeltaTable = saved[1]  # type: ignore[attr-defined]
