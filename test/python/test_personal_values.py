"""The value classifier of the local plane (scripts/local/personal_values.py): the same verdicts as lakemesh's
TypeScript one on the shared cases, and a scan of the pipeline's tables that finds nothing the manifests did not
mark, and finds what is planted."""
from __future__ import annotations

import json

import pytest

import personal_values as pv
from plane import DOMAINS, ROOT, Plane

CASES = json.loads((ROOT / "test" / "fixtures" / "personal-values.json").read_text())["cases"]


@pytest.mark.parametrize("value,category", CASES)
def test_a_value_gets_the_category_typescript_gives_it(value, category):
    assert pv.value_category(value) == category


def test_values_are_flagged_when_at_least_half_fit_one_category():
    assert pv.classify_values(["a@example.com", "b@example.com", "n/a", None, ""]) == ("email", 2, 3)
    assert pv.classify_values(["a@example.com", "n/a", "none"]) is None
    assert pv.iban_valid("DE89370400440532013000") and not pv.iban_valid("DE89370400440532013001")
    assert pv.luhn_valid("4111111111111111") and not pv.luhn_valid("4111111111111112")


def test_the_pipelines_tables_hold_personal_values_only_in_personal_columns(mesh: Plane):
    scanned = 0
    for domain in DOMAINS:
        for ds in mesh.contract(domain)["datasets"]:
            if ds["layer"] == "bronze":
                continue
            assert pv.scan_table(mesh.table(ds["table"]), ds["table"], ds) == [], ds["table"]
            scanned += 1
    assert scanned >= 10


def test_a_column_not_marked_personal_that_holds_emails_is_flagged(mesh: Plane):
    ds = next(d for d in mesh.contract("users-identity")["datasets"] if d["name"] == "users")
    df = mesh.table(ds["table"])
    # As if a producer sent e-mail addresses in job_title: the column is not marked personal.
    planted = df.withColumn("job_title", df["email"])
    flags = pv.scan_table(planted, ds["table"], ds)
    assert [(f.column, f.category) for f in flags] == [("job_title", "email")]
    assert flags[0].matched == flags[0].seen > 0
