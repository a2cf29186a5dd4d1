"""No Delta Lake API in the GDPR jobs (issue 13, item 1), checked without Spark: Databricks refuses DeltaTable on
tables with row filters or column masks ("Delta Lake APIs are not supported",
https://docs.databricks.com/aws/en/data-governance/unity-catalog/filters-and-masks/, Limitations), so every job
changes data through SQL DELETE and UPDATE with bound parameters. Two nets: this static check over notebooks/gdpr and
every project module the jobs import, and the engine's runtime guard (scripts/local/delta_guard.py), which makes any
DeltaTable use fail a local request."""
from __future__ import annotations

import ast
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

import delta_guard
import erasure
import lakemesh_gdpr as g
import retention
from plane import ROOT

GDPR_DIR = ROOT / "notebooks" / "gdpr"
# Where the jobs' own imports resolve: their folder, and (for a local run's session) scripts/local.
SEARCH = [GDPR_DIR, ROOT / "scripts" / "local"]
# The local engine that runs the jobs (and its guard, which names DeltaTable to forbid it): it calls the jobs, they
# do not call it (spark_local imports it to find a running engine), so the walk does not go through it.
HARNESS = {"engine", "engine_ops", "delta_guard"}


def delta_api_uses(source: str, filename: str) -> list[str]:
    """Every import of the Delta Lake Python API, every DeltaTable name or attribute, and every string naming the
    module (importlib): file:line and what."""
    out = []
    for node in ast.walk(ast.parse(source, filename)):
        what = None
        if isinstance(node, ast.Import) and any(a.name == "delta" or a.name.startswith("delta.") for a in node.names):
            what = "import " + ", ".join(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and (node.module == "delta" or node.module.startswith("delta.")):
            what = f"from {node.module} import ..."
        elif isinstance(node, ast.Name) and node.id == "DeltaTable" or isinstance(node, ast.Attribute) and node.attr == "DeltaTable":
            what = "DeltaTable"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(r"delta\.tables(\..*)?", node.value):
            what = f"the string {node.value!r}"
        if what:
            out.append(f"{filename}:{node.lineno}: {what}")
    return out


def imported(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def gdpr_modules() -> dict[str, Path]:
    """The jobs and, transitively, every project module they import."""
    todo = sorted(GDPR_DIR.glob("*.py"))
    seen: dict[str, Path] = {}
    while todo:
        f = todo.pop()
        if f.stem in seen or f.stem in HARNESS:
            continue
        seen[f.stem] = f
        for name in imported(f.read_text(encoding="utf-8")):
            todo += [d / f"{name}.py" for d in SEARCH if (d / f"{name}.py").is_file()]
    return seen


def test_the_jobs_and_every_module_they_import_use_no_delta_lake_api():
    modules = gdpr_modules()
    # The walk reaches the shared module and, through the local session, the local Spark settings.
    assert {"erasure", "retention", "subject_access", "lakemesh_gdpr", "spark_local"} <= set(modules)
    found = [u for name, f in sorted(modules.items()) for u in delta_api_uses(f.read_text(encoding="utf-8"), str(f.relative_to(ROOT)))]
    assert found == []


@pytest.mark.parametrize(
    "source",
    [
        "from delta.tables import DeltaTable",
        "import delta.tables as dt\ndt.DeltaTable.forName(spark, 't').delete()",
        "import delta",
        "from delta import DeltaTable",
        "def f():\n    from delta.tables import DeltaTable\n    return DeltaTable",
        "import importlib\nimportlib.import_module('delta.tables')",
    ],
)
def test_the_check_finds_each_way_back(source):
    assert delta_api_uses(source, "x.py"), source


def test_the_runtime_guard_refuses_deltatable_and_records_it_then_restores_it():
    import delta
    import delta.tables

    original = delta.tables.DeltaTable
    with delta_guard.forbid() as calls:
        from delta.tables import DeltaTable

        with pytest.raises(delta_guard.DeltaApiForbidden, match="refused on tables with row filters"):
            DeltaTable.forName(None, "c.s.t")
        with pytest.raises(delta_guard.DeltaApiForbidden):
            delta.DeltaTable.forPath(None, "/x")
        with pytest.raises(delta_guard.DeltaApiForbidden):
            DeltaTable(None, None)
    assert calls == ["forName", "forPath", "__init__"]
    assert delta.tables.DeltaTable is original


def ds(**kw) -> g.Dataset:
    base = dict(table="c.s.t", domain="d", layer="silver", kind="streaming_table", tenant_key="tenant_id", subject_key="user_id",
                personal_columns=[], retention_period="P30D", retention_column="updated_at")
    return g.Dataset(**{**base, **kw})


def test_erasure_and_retention_statements_quote_identifiers_and_bind_every_value():
    match = "EXISTS (SELECT 1 FROM lm_bind AS b WHERE b.tenant = t.`tenant_id` AND b.subject = t.`user_id`)"
    assert erasure.erasure_statement("c.s.t", ds(), None) == f"DELETE FROM `c`.`s`.`t` AS t WHERE {match}"
    assert erasure.erasure_statement("c.s.t", ds(), {"user_id": "token", "email": "null"}) == (
        f"UPDATE `c`.`s`.`t` AS t SET `email` = NULL, `user_id` = lm_token_user_id WHERE {match}"
    )
    # The local plane's stand-in for the UPDATE (open-source Delta refuses subqueries in UPDATE): the same match.
    assert erasure.erasure_statement("c.s.t", ds(), {"user_id": "token", "email": "null"}, native=False) == (
        "MERGE INTO `c`.`s`.`t` AS t USING lm_bind AS b ON b.tenant = t.`tenant_id` AND b.subject = t.`user_id` "
        "WHEN MATCHED THEN UPDATE SET t.`email` = NULL, t.`user_id` = lm_token_user_id"
    )
    # DELETE is the same statement on both.
    assert erasure.erasure_statement("c.s.t", ds(), None, native=False) == erasure.erasure_statement("c.s.t", ds(), None)
    assert retention.retention_statement("c.s.t", ds()) == "DELETE FROM `c`.`s`.`t` WHERE `updated_at` < lm_cutoff"
    # A name the registry check would refuse never reaches the text.
    with pytest.raises(g.GdprInputError):
        erasure.erasure_statement("c.s.t", ds(subject_key="user_id`; DROP TABLE x; --"), None)
    with pytest.raises(g.GdprInputError):
        erasure.erasure_statement("c.s.t", ds(), {"email` = 1, `x": "null"})


def test_legal_hold_statements_erase_only_past_the_hold_and_release_only_restricted_subjects():
    """Issue 14 item 4: on a held dataset the erasure touches only rows whose retention column is before the bound
    hold cutoff (the rest are restricted), and retention deletes only rows of subjects listed for the (bound) dataset
    in the restriction list, past the hold. Bronze and datasets without a hold are never held."""
    held = ds(legal_hold_obligation="§147 AO: tax records 10 years", legal_hold_period="P10Y")
    assert held.held and not ds().held and not ds(layer="bronze", legal_hold_period="P10Y").held
    assert not ds(retention_column=None, legal_hold_period="P10Y").held
    match = "EXISTS (SELECT 1 FROM lm_bind AS b WHERE b.tenant = t.`tenant_id` AND b.subject = t.`user_id`) AND t.`updated_at` < lm_hold_cutoff"
    assert erasure.erasure_statement("c.s.t", held, None, held=True) == f"DELETE FROM `c`.`s`.`t` AS t WHERE {match}"
    assert erasure.erasure_statement("c.s.t", held, {"email": "null"}, held=True) == f"UPDATE `c`.`s`.`t` AS t SET `email` = NULL WHERE {match}"
    assert erasure.erasure_statement("c.s.t", held, {"email": "null"}, native=False, held=True) == (
        "MERGE INTO `c`.`s`.`t` AS t USING lm_bind AS b ON b.tenant = t.`tenant_id` AND b.subject = t.`user_id` AND t.`updated_at` < lm_hold_cutoff "
        "WHEN MATCHED THEN UPDATE SET t.`email` = NULL"
    )
    now = datetime(2026, 11, 30, tzinfo=timezone.utc)
    assert erasure.hold_cutoff(held, now) == now - g.duration("P10Y") and erasure.hold_cutoff(ds(), now) is None
    assert retention.release_statement("c.s.t", held, "c.governance.erasure_restrictions") == (
        "DELETE FROM `c`.`s`.`t` AS t WHERE t.`updated_at` < lm_hold_cutoff AND EXISTS (SELECT 1 FROM `c`.`governance`.`erasure_restrictions` AS r "
        "WHERE r.dataset = lm_dataset AND r.tenant_id = t.`tenant_id` AND r.subject_id = t.`user_id`)"
    )
    # An entry (a raw subject id) goes with the last row it restricts.
    assert retention.emptied_entries_statement("c.s.t", held, "c.governance.erasure_restrictions") == (
        "DELETE FROM `c`.`governance`.`erasure_restrictions` AS r WHERE r.dataset = lm_dataset AND NOT EXISTS (SELECT 1 FROM `c`.`s`.`t` AS t "
        "WHERE t.`tenant_id` = r.tenant_id AND t.`user_id` = r.subject_id)"
    )
