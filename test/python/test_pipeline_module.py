"""The pipeline module without Spark running: contract checks, and the exact arguments each platform gets."""
from __future__ import annotations

import json
import types

import pytest

import lakemesh_contract as lc
import lakemesh_dq as dq
from plane import Plane


@pytest.fixture(scope="module")
def contract_text(plane: Plane) -> str:
    # Read straight from a plan: the module must take what lakemesh compiles.
    import mesh

    return mesh.contracts(plane.plan, ["core-business"])["core-business"].read_text()


def grants(contract_text: str) -> dict:
    return next(d for d in json.loads(contract_text)["datasets"] if d["name"] == "equity_grants")


class Recorder:
    """Stands in for pyspark.pipelines: records what each decorator is called with."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def _decorator(self, name: str):
        def make(*args, **kwargs):
            self.calls.append((name, args, kwargs))
            return lambda f: f

        return make

    def __getattr__(self, item):
        if item in ("table", "materialized_view", "expect", "expect_or_drop", "expect_or_fail"):
            return self._decorator(item)
        raise AttributeError(item)


def test_databricks_gets_row_filter_masks_clustering_and_native_expectations(contract_text, monkeypatch):
    rec = Recorder()
    monkeypatch.setattr(dq, "dp", rec)
    ds = grants(contract_text)
    dq.declare("streaming_table", lambda: None, ds, "lakemesh_dev.core_business.equity_grants", native=True)
    expectations = [c for c in rec.calls if c[0].startswith("expect")]
    assert expectations == [
        ("expect_or_drop", ("lm__valid_tenant", "tenant_id IS NOT NULL"), {}),
        ("expect_or_drop", ("lm__required__grant_id", "grant_id IS NOT NULL"), {}),
        ("expect_or_drop", ("lm__required__plan_id", "plan_id IS NOT NULL"), {}),
        ("expect_or_drop", ("lm__required__holder_user_id", "holder_user_id IS NOT NULL"), {}),
        ("expect_or_drop", ("lm__required__grant_date", "grant_date IS NOT NULL"), {}),
        ("expect_or_drop", ("lm__required__grant_type", "grant_type IS NOT NULL"), {}),
        ("expect_or_drop", ("lm__required__shares_granted", "shares_granted IS NOT NULL"), {}),
        ("expect_or_drop", ("lm__required__status", "status IS NOT NULL"), {}),
        ("expect_or_drop", ("lm__required__updated_at", "updated_at IS NOT NULL"), {}),
        ("expect_or_drop", ("positive_shares", "shares_granted > 0"), {}),
        ("expect_or_drop", ("non_negative_strike", "strike_price IS NULL OR strike_price >= 0"), {}),
        ("expect", ("grant_not_in_future", "grant_date <= current_date()"), {}),
    ]
    (_, args, kwargs), = [c for c in rec.calls if c[0] == "table"]
    assert args == ()
    assert kwargs == {
        "name": "lakemesh_dev.core_business.equity_grants",
        "comment": "One row per grant made to an employee or other holder under a plan.",
        "table_properties": ds["tableProperties"],
        "schema": ds["schema"],
        "cluster_by": ["tenant_id", "plan_id"],
        "row_filter": "ROW FILTER `lakemesh_dev`.`governance`.`tenant_filter` ON (`tenant_id`)",
    }
    assert "`holder_email` STRING COMMENT 'E-mail address grant notices are sent to.' MASK `lakemesh_dev`.`governance`.`mask_email` USING COLUMNS (`tenant_id`)" in kwargs["schema"]


def test_open_source_spark_gets_neither_filter_masks_nor_clustering(contract_text, monkeypatch):
    rec = Recorder()
    monkeypatch.setattr(dq, "dp", rec)
    ds = grants(contract_text)
    dq.declare("materialized_view", lambda: None, ds, "spark_catalog.core_business.equity_grants", native=False)
    assert [c[0] for c in rec.calls] == ["materialized_view"]
    kwargs = rec.calls[0][2]
    assert set(kwargs) == {"name", "comment", "table_properties", "schema"}
    assert "MASK" not in kwargs["schema"] and "NOT NULL" not in kwargs["schema"]
    assert kwargs["schema"].startswith("`tenant_id` STRING, `grant_id` STRING, `plan_id` STRING")


def test_the_contract_is_refused_when_stale_tampered_or_of_another_format(contract_text):
    import hashlib

    good = hashlib.sha256(contract_text.encode()).hexdigest()
    assert lc.parse(contract_text, good).domain == "core-business"
    with pytest.raises(lc.ContractError, match="redeploy the domain"):
        lc.parse(contract_text, "0" * 64)
    tampered = json.loads(contract_text)
    tampered["datasets"][0]["columns"][0]["name"] = "tenant_id`; DROP TABLE x; --"
    with pytest.raises(lc.ContractError, match="not a valid identifier"):
        lc.parse(json.dumps(tampered))
    other = json.loads(contract_text)
    other["format"] = 99
    with pytest.raises(lc.ContractError, match="format 99"):
        lc.parse(json.dumps(other))
    topic = json.loads(contract_text)
    topic["datasets"][0]["source"]["topic"] = "x,y"
    with pytest.raises(lc.ContractError, match="not a valid topic name"):
        lc.parse(json.dumps(topic))


def test_local_names_swap_only_the_catalog(contract_text):
    c = lc.parse(contract_text, catalog_override="spark_catalog")
    assert c.local_table("lakemesh_dev.core_business.equity_grants") == "spark_catalog.core_business.equity_grants"
    with pytest.raises(lc.ContractError):
        c.local_table("a.b")


class FakeSecrets:
    """Stands in for dbutils.secrets: the scope/key pairs a workspace holds, and what the code asked for."""

    def __init__(self, values: dict[tuple[str, str], str]) -> None:
        self.values = values
        self.asked: list[tuple[str, str]] = []
        self.secrets = self

    def get(self, scope: str, key: str) -> str:
        self.asked.append((scope, key))
        return self.values[(scope, key)]


def fake_spark(conf: dict[str, str]):
    return types.SimpleNamespace(conf=types.SimpleNamespace(get=lambda k, d=None: conf.get(k, d)))


SASL_CONTRACT = types.SimpleNamespace(raw={"kafka": {"bootstrapServers": "b:9096", "startingOffsets": "earliest", "failOnDataLoss": False, "groupIdPrefix": "g.", "securityProtocol": "SASL_SSL", "saslMechanism": "SCRAM-SHA-512"}})
NAMES = {"lakemesh.kafka.secret_scope": "lakemesh-kafka-core-business", "lakemesh.kafka.sasl_username_key": "pipeline-username", "lakemesh.kafka.sasl_password_key": "pipeline-password"}
SECRETS = {("lakemesh-kafka-core-business", "pipeline-username"): "u", ("lakemesh-kafka-core-business", "pipeline-password"): 'p"w\\d'}


# SASL_PLAINTEXT: kafka.auth sasl-scram-sha512-plaintext, which settings allow for a broker on 127.0.0.1 only.
@pytest.mark.parametrize("protocol", ["SASL_SSL", "SASL_PLAINTEXT"])
def test_kafka_options_read_the_named_secrets_and_use_the_shaded_login_module_on_databricks(protocol):
    import lakemesh_datasets as ld

    dbutils = FakeSecrets(dict(SECRETS))
    contract = types.SimpleNamespace(raw={"kafka": {**SASL_CONTRACT.raw["kafka"], "securityProtocol": protocol}})
    opts = ld.kafka_options(fake_spark(dict(NAMES)), contract, "core-business.equity-grants.v2", native=True, dbutils=dbutils)
    assert opts == {
        "kafka.bootstrap.servers": "b:9096",
        "subscribe": "core-business.equity-grants.v2",
        "startingOffsets": "earliest",
        "failOnDataLoss": "false",
        "groupIdPrefix": "g.",
        "kafka.security.protocol": protocol,
        "kafka.sasl.mechanism": "SCRAM-SHA-512",
        "kafka.sasl.jaas.config": 'kafkashaded.org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p\\"w\\\\d";',
    }
    assert dbutils.asked == [("lakemesh-kafka-core-business", "pipeline-username"), ("lakemesh-kafka-core-business", "pipeline-password")]


def test_kafka_options_use_the_plain_login_module_on_open_source_spark():
    import lakemesh_datasets as ld

    opts = ld.kafka_options(fake_spark(dict(NAMES)), SASL_CONTRACT, "core-business.equity-grants.v2", native=False, dbutils=FakeSecrets(dict(SECRETS)))
    assert opts["kafka.sasl.jaas.config"].startswith("org.apache.kafka.common.security.scram.ScramLoginModule required ")


def test_kafka_options_fail_fast_on_missing_names_empty_secrets_and_unresolved_references():
    import lakemesh_datasets as ld

    topic = "core-business.equity-grants.v2"
    with pytest.raises(lc.ContractError, match="must name the Kafka user secret: lakemesh.kafka.secret_scope and lakemesh.kafka.sasl_username_key"):
        ld.kafka_options(fake_spark({}), SASL_CONTRACT, topic, native=True, dbutils=FakeSecrets({}))
    reference = {**NAMES, "lakemesh.kafka.secret_scope": "{{secrets/lakemesh-kafka/core-business-pipeline-password}}"}
    with pytest.raises(lc.ContractError, match=r"lakemesh.kafka.secret_scope holds a secret reference \(\{\{secrets/lakemesh-kafka/core-business-pipeline-password\}\}\), which pipelines do not resolve"):
        ld.kafka_options(fake_spark(reference), SASL_CONTRACT, topic, native=True, dbutils=FakeSecrets(dict(SECRETS)))
    empty = {**SECRETS, ("lakemesh-kafka-core-business", "pipeline-password"): ""}
    with pytest.raises(lc.ContractError, match="secret lakemesh-kafka-core-business/pipeline-password \\(Kafka password\\) is empty"):
        ld.kafka_options(fake_spark(dict(NAMES)), SASL_CONTRACT, topic, native=True, dbutils=FakeSecrets(empty))


def test_the_subject_salt_comes_from_the_named_secret_on_databricks_and_only_locally_from_the_local_key():
    import lakemesh_datasets as ld

    names = {"lakemesh.subject_salt.secret_scope": "lakemesh-gdpr", "lakemesh.subject_salt.secret_key": "subject-salt"}
    assert ld.subject_salt(fake_spark(names), native=True, dbutils=FakeSecrets({("lakemesh-gdpr", "subject-salt"): "s3cret"})) == "s3cret"
    # On Databricks a plain salt in the configuration is not taken: it must be the secret.
    with pytest.raises(lc.ContractError, match="must name the subject salt secret"):
        ld.subject_salt(fake_spark({"lakemesh.local.subject_salt": "plain"}), native=True, dbutils=FakeSecrets({}))
    # The old reference form fails loudly instead of silently becoming the salt.
    with pytest.raises(lc.ContractError, match="holds a secret reference"):
        ld.subject_salt(fake_spark({"lakemesh.local.subject_salt": "{{secrets/lakemesh-gdpr/subject-salt}}"}), native=False)
    assert ld.subject_salt(fake_spark({"lakemesh.local.subject_salt": "local"}), native=False) == "local"
    with pytest.raises(lc.ContractError, match="local runs take the salt from lakemesh.local.subject_salt"):
        ld.subject_salt(fake_spark({}), native=False)
    with pytest.raises(lc.ContractError, match="holds a secret reference"):
        ld.subject_salt(fake_spark(names), native=True, dbutils=FakeSecrets({("lakemesh-gdpr", "subject-salt"): "{{secrets/x/y}}"}))


def test_the_compiled_pipeline_configuration_names_secrets_the_module_reads(plane: Plane):
    """The keys lakemesh writes into the pipeline configuration are the ones the module reads, and hold no reference."""
    import lakemesh_datasets as ld

    conf = json.loads((plane.plan / "plan.json").read_text())
    resources = conf["resources"] if isinstance(conf, dict) else conf
    pipeline = next(r for r in resources if r["type"] == "databricks:index/pipeline:Pipeline" and r["name"] == "core-business-pipeline")
    configuration = pipeline["inputs"]["configuration"]
    for key in (ld.SALT_SCOPE_CONF, ld.SALT_KEY_CONF, ld.KAFKA_SCOPE_CONF, ld.SASL_USER_KEY_CONF, ld.SASL_PASSWORD_KEY_CONF):
        assert configuration[key] and "{{" not in configuration[key], key


class CdcRecorder(Recorder):
    """Also records the keyed-silver calls: temporary_view (a decorator), create_streaming_table, create_auto_cdc_flow."""

    def __getattr__(self, item):
        if item == "temporary_view":
            return self._decorator(item)
        if item in ("create_streaming_table", "create_auto_cdc_flow"):
            return lambda *args, **kwargs: self.calls.append((item, args, kwargs))
        return super().__getattr__(item)


def declare_keyed(ds: dict, name: str, monkeypatch) -> CdcRecorder:
    import lakemesh_keyed as keyed

    rec = CdcRecorder()
    monkeypatch.setattr(dq, "dp", rec)
    keyed.declare(lambda: None, ds, name, "lm__changes__core_business__equity_grants")
    return rec


def test_keyed_silver_on_databricks_is_an_auto_cdc_flow_into_the_governed_table(contract_text, monkeypatch):
    ds = grants(contract_text)
    assert ds["keyed"] == {"keys": ["tenant_id", "grant_id"], "sequenceBy": "updated_at", "scdType": 1}
    name = "lakemesh_dev.core_business.equity_grants"
    rec = declare_keyed(ds, name, monkeypatch)
    kinds = [c[0] for c in rec.calls]
    # The expectations decorate the changes view (before the flow sees a row), then the target and the flow.
    assert kinds[-3:] == ["temporary_view", "create_streaming_table", "create_auto_cdc_flow"]
    assert ("expect_or_drop", ("lm__required__updated_at", "updated_at IS NOT NULL"), {}) in rec.calls
    (_, _, target), (_, _, flow) = rec.calls[-2:]
    assert target["row_filter"] == "ROW FILTER `lakemesh_dev`.`governance`.`tenant_filter` ON (`tenant_id`)"
    assert target["schema"] == ds["schema"] and "MASK" in target["schema"] and target["cluster_by"] == ["tenant_id", "plan_id"]
    assert flow == {"target": name, "source": "lm__changes__core_business__equity_grants", "keys": ["tenant_id", "grant_id"], "sequence_by": "updated_at", "stored_as_scd_type": 1}


def test_scd_type_2_is_passed_to_auto_cdc(contract_text):
    import lakemesh_keyed as keyed

    ds = {**grants(contract_text), "keyed": {"keys": ["tenant_id", "grant_id"], "sequenceBy": "updated_at", "scdType": 2}}
    assert keyed.flow_kwargs(ds, "t", "v") == {"target": "t", "source": "v", "keys": ["tenant_id", "grant_id"], "sequence_by": "updated_at", "stored_as_scd_type": 2}


def test_the_contract_refuses_a_keyed_dataset_without_keys_or_with_an_unknown_scd_type(contract_text):
    for bad in ({"keys": [], "sequenceBy": "updated_at", "scdType": 1}, {"keys": ["grant_id"], "sequenceBy": "updated_at", "scdType": 3}):
        doc = json.loads(contract_text)
        next(d for d in doc["datasets"] if d["name"] == "equity_grants")["keyed"] = bad
        with pytest.raises(lc.ContractError, match="needs keys and scdType"):
            lc.parse(json.dumps(doc))
    doc = json.loads(contract_text)
    next(d for d in doc["datasets"] if d["name"] == "equity_grants")["keyed"]["sequenceBy"] = "updated_at`"
    with pytest.raises(lc.ContractError, match="not a valid identifier"):
        lc.parse(json.dumps(doc))


@pytest.mark.parametrize("scd", [1, 2])
def test_keyed_silver_locally_is_a_changes_table_and_a_materialized_view_from_the_same_flow_arguments(contract_text, monkeypatch, scd):
    import lakemesh_keyed as keyed

    ds = {**grants(contract_text), "keyed": {"keys": ["tenant_id", "grant_id"], "sequenceBy": "updated_at", "scdType": scd}}
    rec = Recorder()
    monkeypatch.setattr(dq, "dp", rec)
    name = "spark_catalog.core_business.equity_grants"
    assert keyed.declare_local(None, lambda: None, ds, name) == "spark_catalog.core_business.lm_changes__equity_grants"
    (_, _, changes), (_, _, target) = [c for c in rec.calls if c[0] in ("table", "materialized_view")]
    assert [c[0] for c in rec.calls if c[0] in ("table", "materialized_view")] == ["table", "materialized_view"]
    assert changes["name"] == "spark_catalog.core_business.lm_changes__equity_grants" and target["name"] == name
    # Both carry the dataset's properties (statistics and change feed of personal columns), neither the Databricks-only ones.
    assert changes["table_properties"] == target["table_properties"] == ds["tableProperties"]
    assert "row_filter" not in target and "MASK" not in target["schema"]
    history = ", `__START_AT` TIMESTAMP, `__END_AT` TIMESTAMP"
    assert target["schema"] == changes["schema"] + (history if scd == 2 else "")
