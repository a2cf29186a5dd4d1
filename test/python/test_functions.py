"""The tenant row filter and the mask functions, run as Spark SQL functions over a (persona, tenant, row) table.

The bodies are the plan's rendered SQL. Open-source Spark has no is_account_group_member() and no notion of the
caller, so the stand-in passes both in: is_account_group_member(g) becomes array_contains(groups, g) and
session_user() becomes the caller column. Everything else runs as written.
"""
from __future__ import annotations

import hashlib
import hmac
import re

import pytest

from plane import Plane

TENANT_PRINCIPALS = [
    # tenant, principal, role
    ("tenant-01", "alice@client-one.example", "client_admin"),
    ("tenant-01", "erin@client-one.example", "end_user"),
    ("tenant-02", "client-two-admins", "client_admin"),  # a group
    ("tenant-02", "svc-api-tenant-02", "service"),
    # carl is mapped to tenant-01 himself and is in tenant-02's admin group: mapped to two tenants, he sees neither.
    ("tenant-01", "carl@consult.example", "client_admin"),
]

# persona -> (caller, groups)
PERSONAS = {
    "platform_admin": ("pat@lakemesh.example", ["lakemesh-dev-platform-admins"]),
    "internal_analyst": ("ian@lakemesh.example", ["lakemesh-dev-internal-analysts"]),
    "data_scientist": ("dana@lakemesh.example", ["lakemesh-dev-data-scientists"]),
    "gdpr_officer": ("gail@lakemesh.example", ["lakemesh-dev-gdpr-officers"]),
    "pipeline": ("sp-core-business", ["lakemesh-dev-pipelines"]),
    "client_admin_t1": ("alice@client-one.example", []),
    "client_admin_t2_by_group": ("bert@client-two.example", ["client-two-admins"]),
    "end_user_t1": ("erin@client-one.example", []),
    "api_service_t2": ("svc-api-tenant-02", []),
    "outsider": ("mallory@elsewhere.example", ["lakemesh-dev-end-users"]),
    "client_admin_in_two_tenants": ("carl@consult.example", ["client-two-admins"]),
    "legal_hold": ("lena@lakemesh.example", ["lakemesh-dev-legal-hold"]),
}

ROWS = {"tenant-01": "person.01.001@tenant-01.example.com", "tenant-02": "person.02.001@tenant-02.example.com", "tenant-unknown": "x@tenant-unknown.example.com"}


def function_sql(plane: Plane, name: str) -> str:
    path = next((plane.plan / "sql" / "governance").glob(f"*.governance.{name}.sql"))
    return path.read_text().strip().rstrip(";")


def standin(sql: str, fn: str) -> str:
    """CREATE TEMPORARY FUNCTION fn(<params>, caller STRING, groups ARRAY<STRING>) RETURNS ... RETURN <body>."""
    m = re.match(r"CREATE OR REPLACE FUNCTION `[a-z0-9_]+`\.`governance`\.`[a-z0-9_]+`\((?P<params>.*?)\)\s+RETURNS (?P<ret>\w+(\([0-9]+,[0-9]+\))?)\s+COMMENT '[^']*'\s+RETURN (?P<body>.*)$", sql, re.S)
    assert m, sql
    # Governance tables (tenant_principals, pseudonym_key) become the temporary views of the same name.
    body = re.sub(r"`[a-z0-9_]+`\.`governance`\.`(tenant_principals|pseudonym_key|erasure_restrictions)`", r"\1", m["body"])
    body = body.replace("is_account_group_member(", "array_contains(groups, ").replace("session_user()", "caller")
    return f"CREATE OR REPLACE TEMPORARY FUNCTION {fn}({m['params']}, caller STRING, groups ARRAY<STRING>) RETURNS {m['ret']} RETURN {body}"


def key_pads(spark, plane: Plane) -> tuple[str, str]:
    """Runs the SELECT of the plan's key-generating INSERT: the (inner, outer) padded key blocks, in hex."""
    path = next((plane.plan / "sql" / "governance").glob("*.governance.pseudonym_key.sql"))
    m = re.search(r"SELECT inner_pad, outer_pad, current_timestamp\(\) FROM \((?P<select>.*)\) WHERE NOT EXISTS", path.read_text(), re.S)
    assert m, path
    row = spark.sql(m["select"]).collect()
    assert len(row) == 1
    return row[0].inner_pad, row[0].outer_pad


def hmac_key(inner: str, outer: str) -> bytes:
    """The 32-byte key behind the padded blocks, checking both are the RFC 2104 pads of one zero-padded key."""
    k_in = bytes(b ^ 0x36 for b in bytes.fromhex(inner))
    k_out = bytes(b ^ 0x5C for b in bytes.fromhex(outer))
    assert len(k_in) == 64 and k_in == k_out and k_in[32:] == bytes(32)
    return k_in[:32]


@pytest.fixture(scope="module")
def spark(plane: Plane):
    s = plane.spark()
    s.createDataFrame(TENANT_PRINCIPALS, "tenant_id STRING, principal STRING, role STRING").createOrReplaceTempView("tenant_principals")
    cases = [(p, caller, groups, t, v) for p, (caller, groups) in PERSONAS.items() for t, v in ROWS.items()]
    s.createDataFrame(cases, "persona STRING, caller STRING, groups ARRAY<STRING>, row_tenant STRING, email STRING").createOrReplaceTempView("cases")
    # The pseudonym key, made by the plan's own key statement (sql/keys/pseudonym_key.sql) run on this Spark.
    inner, outer = key_pads(s, plane)
    s.createDataFrame([(inner, outer)], "inner_pad STRING, outer_pad STRING").createOrReplaceTempView("pseudonym_key")
    s.sql(standin(function_sql(plane, "tenant_filter"), "tenant_filter"))
    # One subject of tenant-01 restricted under a legal hold (the erasure job's entry: tenant and raw subject id).
    s.createDataFrame([("tenant-01", "user-held", "d.s.t")], "tenant_id STRING, subject_id STRING, dataset STRING").createOrReplaceTempView("erasure_restrictions")
    s.sql(standin(function_sql(plane, "tenant_filter_held"), "tenant_filter_held"))
    for key in ("email", "name", "date_of_birth", "identifier", "financial_decimal_18_2"):
        s.sql(standin(function_sql(plane, f"mask_{key}"), f"mask_{key}"))
    return s


def visible(spark) -> dict[str, list[str]]:
    rows = spark.sql("SELECT persona, row_tenant FROM cases WHERE tenant_filter(row_tenant, caller, groups) ORDER BY persona, row_tenant").collect()
    out: dict[str, list[str]] = {p: [] for p in PERSONAS}
    for r in rows:
        out[r.persona].append(r.row_tenant)
    return out


def test_internal_personas_see_every_tenant_and_nobody_sees_another_tenant(spark):
    # A principal mapped to two tenants (here one directly, one through a group) sees neither (issue 15, item 11).
    every = sorted(ROWS)
    assert visible(spark) == {
        "platform_admin": every,
        "internal_analyst": every,
        "data_scientist": every,
        "gdpr_officer": every,
        "pipeline": every,
        "client_admin_t1": ["tenant-01"],
        "client_admin_t2_by_group": ["tenant-02"],
        "end_user_t1": ["tenant-01"],
        "api_service_t2": ["tenant-02"],
        "outsider": [],
        "client_admin_in_two_tenants": [],
        "legal_hold": [],  # the legal-hold role reads held datasets only, where their own filter lets it through
    }


def test_email_mask_reveals_only_to_gdpr_officers_pipelines_and_the_rows_own_client_admins(spark):
    got = {
        (r.persona, r.row_tenant): r.shown
        for r in spark.sql("SELECT persona, row_tenant, mask_email(email, row_tenant, caller, groups) AS shown FROM cases").collect()
    }
    for persona in PERSONAS:
        for tenant, value in ROWS.items():
            reveal = persona in ("gdpr_officer", "pipeline") or (persona, tenant) in (("client_admin_t1", "tenant-01"), ("client_admin_t2_by_group", "tenant-02"))
            want = value if reveal else "***@" + value.split("@")[1]
            assert got[(persona, tenant)] == want, (persona, tenant)


def test_other_masks_fit_their_category(spark):
    r = spark.sql(
        "SELECT mask_name('Person Example', 'tenant-01', 'ian', array('lakemesh-dev-internal-analysts')) AS name,"
        " mask_date_of_birth(DATE'1984-07-12', 'tenant-01', 'ian', array()) AS dob,"
        " mask_identifier('user-01-001', 'tenant-01', 'ian', array()) AS id,"
        " mask_identifier('user-01-001', 'tenant-01', 'gail', array('lakemesh-dev-gdpr-officers')) AS id_revealed,"
        " mask_email(NULL, 'tenant-01', 'ian', array()) AS null_email"
    ).collect()[0]
    assert r.name == "P***"
    assert str(r.dob) == "1984-01-01"
    assert re.fullmatch(r"[0-9a-f]{64}", r.id) and r.id != "user-01-001"
    # Not the old unkeyed hash anyone could recompute from a candidate id (issue 13, item 8).
    assert r.id != hashlib.sha256(b"lakemesh-pseudonym:user-01-001").hexdigest() and r.id != hashlib.sha256(b"user-01-001").hexdigest()
    assert r.id_revealed == "user-01-001"
    assert r.null_email is None


def test_a_decimal_mask_takes_and_returns_the_columns_type_and_shows_only_the_order_of_magnitude(spark):
    spark.createDataFrame(
        [("123456.78",), ("-42.50",), ("0.05",), ("0.00",), ("9999999999999999.99",), (None,)], "v STRING"
    ).selectExpr("CAST(v AS DECIMAL(18,2)) AS v").createOrReplaceTempView("amounts")
    masked = spark.sql("SELECT v, mask_financial_decimal_18_2(v, 'tenant-01', 'ian', array('lakemesh-dev-internal-analysts')) AS shown FROM amounts")
    assert dict((f.name, f.dataType.simpleString()) for f in masked.schema.fields)["shown"] == "decimal(18,2)"
    got = {None if r.v is None else str(r.v): None if r.shown is None else str(r.shown) for r in masked.collect()}
    assert got == {
        "123456.78": "100000.00",
        "-42.50": "-10.00",
        "0.05": "0.01",
        "0.00": None,
        # The largest value: as a double it rounds up to 1e16, which DECIMAL(18,2) cannot hold; try_cast gives NULL
        # where a cast would fail the query.
        "9999999999999999.99": None,
        None: None,
    }
    revealed = spark.sql("SELECT mask_financial_decimal_18_2(CAST(123456.78 AS DECIMAL(18,2)), 'tenant-01', 'alice@client-one.example', array()) AS v").first().v
    assert str(revealed) == "123456.78"


def test_identifier_pseudonyms_are_an_hmac_under_a_fresh_random_key(spark, plane: Plane):
    """The mask is HMAC-SHA256 (RFC 2104) under the key table's key; each run of the key statement draws a new key."""
    key = hmac_key(*spark.table("pseudonym_key").select("inner_pad", "outer_pad").first())
    ids = ["1", "2", "42", "user-01-001", "émile-ü", ""]
    spark.createDataFrame([(v,) for v in ids], "v STRING").createOrReplaceTempView("ids")
    got = {r.v: r.shown for r in spark.sql("SELECT v, mask_identifier(v, 'tenant-01', 'ian', array('lakemesh-dev-internal-analysts')) AS shown FROM ids").collect()}
    assert got == {v: hmac.new(key, v.encode("utf-8"), hashlib.sha256).hexdigest() for v in ids}
    # Stable (joins and counts still work), and another key gives other pseudonyms: the key is random, not a constant.
    other = hmac_key(*key_pads(spark, plane))
    assert other != key
    assert spark.sql("SELECT mask_identifier(CAST(NULL AS STRING), 'tenant-01', 'ian', array()) AS v").first().v is None


def test_the_legal_hold_filter_shows_restricted_rows_only_to_the_gdpr_officer_and_the_legal_hold_role(spark):
    """Issue 14 item 4: rows of a subject an erasure restricted (listed in erasure_restrictions) are invisible to
    client admins, analysts and the pipelines, and visible to the GDPR officer and the legal-hold role; every other row
    is filtered exactly as tenant_filter filters it."""
    rows = [("tenant-01", "user-held"), ("tenant-01", "user-free"), ("tenant-02", "user-held"), ("tenant-01", None)]
    cases = [(p, caller, groups, t, subj) for p, (caller, groups) in PERSONAS.items() for t, subj in rows]
    spark.createDataFrame(cases, "persona STRING, caller STRING, groups ARRAY<STRING>, row_tenant STRING, row_subject STRING").createOrReplaceTempView("held_cases")
    got = {(r.persona, r.row_tenant, r.row_subject): (r.held, r.plain) for r in spark.sql(
        "SELECT persona, row_tenant, row_subject, tenant_filter_held(row_tenant, row_subject, caller, groups) AS held,"
        " tenant_filter(row_tenant, caller, groups) AS plain FROM held_cases").collect()}
    restricted = ("tenant-01", "user-held")
    for (persona, tenant, subject), (held, plain) in got.items():
        if persona in ("gdpr_officer", "legal_hold"):
            assert held is True, (persona, tenant, subject)
        elif (tenant, subject) == restricted:
            assert held is False, (persona, tenant, subject)  # client admin of tenant-01, analysts, pipelines, admins
        else:
            assert held == plain, (persona, tenant, subject)  # the same subject id in another tenant is not restricted
    # What the test is about actually happened: the restricted row is visible to its tenant's admin without the hold.
    assert got[("client_admin_t1", "tenant-01", "user-held")] == (False, True)
    assert got[("internal_analyst", "tenant-01", "user-held")] == (False, True)
    assert got[("pipeline", "tenant-01", "user-held")] == (False, True)
    assert got[("client_admin_t1", "tenant-01", "user-free")] == (True, True)
    assert got[("legal_hold", "tenant-01", "user-held")] == (True, False)
