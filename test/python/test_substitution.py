"""Spark's variable substitution is off on the local data plane, as lakemesh configures it on Databricks: a
`${...}` that reached SQL text or an expression would otherwise read configuration (the subject salt, Kafka
credentials) into it."""
from __future__ import annotations

from pyspark.sql import functions as F

import spark_local
from plane import Plane


def literal(spark, text: str) -> str:
    return spark.range(1).select(F.expr(text).alias("v")).first()["v"]


def test_the_local_runner_turns_substitution_off():
    assert spark_local.confs()["spark.sql.variable.substitute"] == "false"


def test_an_expression_keeps_dollar_braces_literally(plane: Plane):
    spark = plane.spark()
    # Named like the pipelines' salt key: Spark's redaction (spark.redaction.regex: secret, password, token, ...)
    # would mask a key named "...secret", but not this one.
    spark.conf.set("lakemesh.test.subject_salt", "s3cret")
    assert literal(spark, "'${lakemesh.test.subject_salt}'") == "${lakemesh.test.subject_salt}"
    assert spark.sql("SELECT '${lakemesh.test.subject_salt}' AS v").first()["v"] == "${lakemesh.test.subject_salt}"
    # The check can fail: with Spark's default, the same literal reads the configuration value in clear.
    spark.conf.set("spark.sql.variable.substitute", "true")
    try:
        assert literal(spark, "'${lakemesh.test.subject_salt}'") == "s3cret"
    finally:
        spark.conf.set("spark.sql.variable.substitute", "false")
