"""Change data feed stays off on tables with personal data (issue 13, item 9), on the real Delta engine.

A change data feed writes the rows of every UPDATE, DELETE and MERGE again into _change_data
(https://docs.databricks.com/aws/en/delta/delta-change-data-feed): one more copy of personal data. The contracts set
delta.enableChangeDataFeed = false explicitly on every table with personal columns, so a session or workspace default
(spark.databricks.delta.properties.defaults.enableChangeDataFeed) cannot turn it on. The control table, created under
the same default without the property, does get change files: the check can fail.
"""
from __future__ import annotations

from pathlib import Path

from plane import Plane

DEFAULT = "spark.databricks.delta.properties.defaults.enableChangeDataFeed"


def change_files(table: Path) -> list[Path]:
    return [p for p in (table / "_change_data").rglob("*.parquet")] if (table / "_change_data").exists() else []


def test_the_contracts_property_beats_a_default_that_turns_the_feed_on(plane: Plane, tmp_path: Path):
    users = next(d for d in plane.contract("users-identity")["datasets"] if d["name"] == "users")
    assert any(c.get("personalData") for c in users["columns"])
    assert users["tableProperties"]["delta.enableChangeDataFeed"] == "false"
    spark = plane.spark()
    spark.conf.set(DEFAULT, "true")
    try:
        for name, props in (("contract", "TBLPROPERTIES ('delta.enableChangeDataFeed' = 'false')"), ("control", "")):
            path = (tmp_path / name).as_posix()
            spark.sql(f"CREATE TABLE delta.`{path}` (user_id STRING, email STRING) USING delta {props}")
            spark.createDataFrame([("u-1", "u1@example.com"), ("u-2", "u2@example.com")], "user_id STRING, email STRING").write.format("delta").mode("append").save(path)
            # Constant test ids: this Delta UPDATE leaves named parameters unbound (UNBOUND_SQL_PARAMETER).
            spark.sql(f"UPDATE delta.`{path}` SET email = 'changed@example.com' WHERE user_id = 'u-1'")
            spark.sql(f"DELETE FROM delta.`{path}` WHERE user_id = 'u-2'")
    finally:
        spark.conf.unset(DEFAULT)
    detail = spark.sql(f"DESCRIBE DETAIL delta.`{(tmp_path / 'contract').as_posix()}`").collect()[0]
    assert detail["properties"].get("delta.enableChangeDataFeed") == "false"
    assert change_files(tmp_path / "contract") == []
    # The control: the default alone records the old and new rows of the UPDATE and the deleted row.
    assert len(change_files(tmp_path / "control")) > 0
