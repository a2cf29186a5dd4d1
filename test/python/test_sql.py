"""Every SQL statement the plan renders, parsed with sqlglot's Databricks dialect where sqlglot can; the forms it
keeps as raw commands (SET TAGS on pipeline tables, ROW FILTER, MASK) are checked against exact patterns."""
from __future__ import annotations

import json
import logging
import re

import pytest
import sqlglot
from sqlglot import exp

from plane import Plane

logging.getLogger("sqlglot").setLevel(logging.ERROR)

Q = r"`[a-z][a-z0-9_]*`"
TABLE = rf"{Q}\.{Q}\.{Q}"
TAG = r"'[A-Za-z0-9_.:-]+' = '[A-Za-z0-9_.:-]+'"
TAGS = rf"\({TAG}(, {TAG})*\)"
SET_TAGS = re.compile(rf"^ALTER (STREAMING TABLE|MATERIALIZED VIEW) {TABLE} (ALTER COLUMN {Q} )?SET TAGS {TAGS}$")
ROW_FILTER = re.compile(rf"^ROW FILTER {Q}\.`governance`\.`tenant_filter` ON \({Q}\)$")
# A dataset under a legal hold: the held filter on its tenant and subject key (issue 14 item 4).
HELD_ROW_FILTER = re.compile(rf"^ROW FILTER {Q}\.`governance`\.`tenant_filter_held` ON \({Q}, {Q}\)$")
# A table created with its row filter (the serving API's GDPR intake): sqlglot keeps the whole CREATE as a raw command,
# so the clause is checked against TABLE_ROW_FILTER and the rest of the statement parsed without it.
WITH_ROW_FILTER = re.compile(r"\nWITH (?P<clause>ROW FILTER [^\n]*)\n")
TABLE_ROW_FILTER = re.compile(rf"^ROW FILTER {Q}\.`governance`\.`tenant_filter` ON \(tenant_id\)$")
# A row filter set after the CREATE (the GDPR request inbox sets it in its own statement),
# which sqlglot keeps as a raw command: checked against this exact form instead.
# A column created with its mask (the GDPR control table): sqlglot cannot parse the clause, so it is checked against
# this exact form and the rest of the statement parsed without it.
COLUMN_MASK = re.compile(rf" MASK {Q}\.`governance`\.`mask_[a-z0-9_]+` USING COLUMNS \((?:{Q}|[a-z][a-z0-9_]*)\)")
ALTER_ROW_FILTER = re.compile(rf"^ALTER TABLE {TABLE} SET ROW FILTER {Q}\.`governance`\.`tenant_filter` ON \(tenant_id\)$")
COLUMN = re.compile(rf"^{Q} (?P<type>[A-Z_]+(\([0-9]+,[0-9]+\))?|ARRAY<STRING>|MAP<STRING,STRING>)( NOT NULL)? COMMENT '[^'\\\\]*'( MASK {Q}\.`governance`\.`mask_[a-z0-9_]+` USING COLUMNS \({Q}\))?$")


def statements(text: str) -> list[str]:
    body = "\n".join(line for line in text.splitlines() if not line.startswith("--"))
    return [s.strip() for s in body.split(";\n") if s.strip().rstrip(";")]


def parse(sql: str) -> exp.Expression:
    return sqlglot.parse_one(sql.rstrip(";"), read="databricks")


def governance_files(plane: Plane):
    return sorted((plane.plan / "sql" / "governance").glob("*.sql"))


def test_platform_functions_tables_and_registry_parse_as_full_syntax_trees(plane: Plane):
    kinds = {}
    for f in governance_files(plane):
        for s in statements(f.read_text()):
            if s.startswith("ALTER TABLE") and "SET ROW FILTER" in s:
                assert ALTER_ROW_FILTER.match(s.rstrip(";")), f.name
                continue
            if "ROW FILTER" in s:
                m = WITH_ROW_FILTER.search(s)
                assert m and TABLE_ROW_FILTER.match(m["clause"]), f.name
                s = s[: m.start()] + "\n" + s[m.end() :]
            if " MASK " in s:
                s = COLUMN_MASK.sub("", s)
                assert " MASK " not in s, f.name
            e = parse(s)
            assert not isinstance(e, exp.Command), f.name
            kinds[f.name] = (type(e).__name__, e.args.get("kind"))
    assert sorted(set(kinds.values()), key=str) == [("Create", "FUNCTION"), ("Create", "TABLE"), ("Insert", None)]
    # tenant_filter, ten text masks and the shipped mesh's one numeric mask (financial DECIMAL(18,2));
    # current_user_tenant is gone: nothing called it.
    # tenant_filter_held: the row filter of datasets under a legal hold (issue 14 item 4).
    assert sum(1 for k in kinds.values() if k == ("Create", "FUNCTION")) == 13
    # audit_log, erasure_suppression, gdpr_registry, gdpr_requests, tenant_principals, serving_gdpr_requests,
    # gdpr_request_inbox, salt_fingerprint (its row is written at deploy with bound values, not in the file;
    # gdpr_control's file ends with the INSERT of its rows: it counts as an Insert here).
    # ... and erasure_restrictions (legal holds).
    assert sum(1 for k in kinds.values() if k == ("Create", "TABLE")) == 9
    assert kinds[next(f.name for f in governance_files(plane) if "gdpr_control" in f.name)] == ("Insert", None)


def test_registry_rows_bind_every_value(plane: Plane):
    f = next(f for f in governance_files(plane) if f.name.endswith("gdpr_registry-rows.sql"))
    ins = parse(statements(f.read_text())[0])
    values = ins.find(exp.Values)
    assert values is not None
    literals = [lit for lit in values.find_all(exp.Literal)]
    assert literals == []  # every value is a :parameter
    params = json.loads(f.with_name(f.name.replace(".sql", ".parameters.json")).read_text())
    assert len(list(values.find_all(exp.Placeholder))) == len(params) > 0


def domain_sql(plane: Plane) -> list[tuple[str, str]]:
    files = sorted(plane.plan.glob("workspace/**/domains/*/governance.sql"))
    assert len(files) == 6
    return [(f.parent.name, s) for f in files for s in statements(f.read_text())]


def test_domain_grants_parse_and_tag_statements_match_their_form(plane: Plane):
    grants = tags = 0
    reports: list[str] = []
    sql = domain_sql(plane)
    for i, (domain, s) in enumerate(sql):
        e = parse(s)
        if isinstance(e, exp.Select):
            # The one read-only statement: the tenant quarantine's counts, printed last by the domain job.
            assert [t.name for t in e.find_all(exp.Table)] == ["lm__tenant_quarantine"], s
            assert i + 1 == len(sql) or sql[i + 1][0] != domain, s
            reports.append(domain)
        elif isinstance(e, (exp.Grant, exp.Revoke)):
            grants += 1
            assert e.args["kind"] == "TABLE" and [p.name for p in e.args["privileges"]] == ["SELECT"], s
        else:
            assert isinstance(e, exp.Command), s
            assert SET_TAGS.match(s.rstrip(";")), s
            tags += 1
    assert grants > 100 and tags > 100
    assert len(reports) == len(set(reports)) > 0


@pytest.mark.parametrize("domain", ["core-business", "users-identity", "operational-activities", "usage-engagement", "outcomes-performance", "external-integrations"])
def test_contract_schemas_filters_and_masks_have_the_databricks_form(plane: Plane, domain: str):
    import mesh

    contract = json.loads(mesh.contracts(plane.plan, [domain])[domain].read_text())
    for ds in contract["datasets"]:
        columns = [re.sub(r"MASK .*", "", c) for c in _split(ds["schema"])]
        assert len(_split(ds["schema"])) == len(ds["columns"]), ds["name"]
        for clause, col in zip(_split(ds["schema"]), ds["columns"]):
            assert COLUMN.match(clause), clause
            assert ("MASK " in clause) == bool(col.get("mask")), clause
        # Without the masks (which sqlglot cannot read), the table definition is ordinary DDL.
        ddl = f"CREATE TABLE t ({', '.join(c.strip() for c in columns)}) USING DELTA"
        assert isinstance(parse(ddl), exp.Create), ddl
        if ds["rowFilter"] is not None:
            assert (HELD_ROW_FILTER if ds.get("legalHold") else ROW_FILTER).match(ds["rowFilter"]), ds["rowFilter"]
        if ds["source"]["kind"] == "bronze":
            assert isinstance(parse(f"CREATE TABLE p ({ds['source']['payloadSchema']})"), exp.Create)
        for e in ds["expectations"]:
            assert isinstance(parse(f"SELECT * FROM t WHERE {e['predicate']}"), exp.Select), e


def _split(schema: str) -> list[str]:
    out, depth, quoted, start = [], 0, False, 0
    for i, ch in enumerate(schema):
        if ch == "'":
            quoted = not quoted
        elif not quoted and ch in "(<":
            depth += 1
        elif not quoted and ch in ")>":
            depth -= 1
        elif not quoted and depth == 0 and ch == ",":
            out.append(schema[start:i].strip())
            start = i + 1
    out.append(schema[start:].strip())
    return out
