"""Loads and checks a domain's compiled pipeline contract (lakemesh lib/compile/contract.ts).

The pipeline reads nothing else: every table, column, expectation and Kafka option comes from the contract,
whose names lakemesh validated when it compiled them. This module re-checks every name before it reaches
Spark, so a tampered file cannot smuggle SQL in.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

FORMAT = 2

# Matched with fullmatch: with re.match, `$` also accepts a trailing newline.
_IDENT = re.compile(r"[a-z][a-z0-9_]{0,254}")
_TABLE = re.compile(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*")
_TOPIC = re.compile(r"[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*\.v[0-9]+")

CONTRACT_CONF = "lakemesh.contract"
SHA_CONF = "lakemesh.contract_sha256"
# Local runs only: the catalog to use instead of the contract's (open-source Spark has spark_catalog only),
# and the broker to read instead of the stack's.
LOCAL_CATALOG_CONF = "lakemesh.local.catalog"
LOCAL_BOOTSTRAP_CONF = "lakemesh.local.kafka_bootstrap"


class ContractError(ValueError):
    """The contract file is missing, stale or not what lakemesh compiles."""


def ident(name: str) -> str:
    if not isinstance(name, str) or not _IDENT.fullmatch(name):
        raise ContractError(f"not a valid identifier in the contract: {name!r}")
    return name


def table_name(name: str) -> str:
    if not isinstance(name, str) or not _TABLE.fullmatch(name):
        raise ContractError(f"not a valid catalog.schema.table name in the contract: {name!r}")
    return name


def topic_name(name: str) -> str:
    if not isinstance(name, str) or not _TOPIC.fullmatch(name):
        raise ContractError(f"not a valid topic name in the contract: {name!r}")
    return name


def substitution_free(predicate: str) -> str:
    """A predicate goes into Spark SQL expressions, where `${...}` is replaced by configuration values (secrets
    included); lakemesh refuses `${` and `{{` when it validates manifests, and again here against a tampered file."""
    if not isinstance(predicate, str) or "${" in predicate or "{{" in predicate:
        raise ContractError(f"predicate with variable or secret substitution syntax in the contract: {predicate!r}")
    return predicate


@dataclass(frozen=True)
class Contract:
    raw: dict[str, Any]
    catalog: str  # the catalog tables live in for this run (the contract's, or the local override)

    @property
    def domain(self) -> str:
        return self.raw["domain"]

    @property
    def datasets(self) -> list[dict[str, Any]]:
        return self.raw["datasets"]

    def local_table(self, fq: str) -> str:
        """A contract table name with this run's catalog."""
        _cat, schema, table = table_name(fq).split(".")
        return f"{self.catalog}.{schema}.{table}"


def _flag(src: dict[str, Any], key: str) -> None:
    if not isinstance(src.get(key), bool):
        raise ContractError(f"source field {key} must be true or false, got {src.get(key)!r}")


def parse(text: str, expected_sha256: str | None = None, catalog_override: str | None = None) -> Contract:
    if expected_sha256:
        actual = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if actual != expected_sha256:
            raise ContractError(f"contract sha256 {actual} is not the {expected_sha256} the pipeline was deployed with; redeploy the domain")
    raw = json.loads(text)
    if raw.get("format") != FORMAT:
        raise ContractError(f"contract format {raw.get('format')!r}; this pipeline module reads format {FORMAT}")
    catalog = ident(catalog_override) if catalog_override else ident(raw["catalog"])
    table_name(raw["governance"]["tenantPrincipals"])
    table_name(raw["governance"]["saltFingerprint"])
    for ds in raw["datasets"]:
        table_name(ds["table"])
        ident(ds["name"])
        for c in ds["columns"]:
            ident(c["name"])
        for e in ds["expectations"]:
            ident(e["name"].replace("__", "_"))
            substitution_free(e["predicate"])
        keyed = ds["keyed"]
        if keyed is not None:
            if not keyed["keys"] or keyed["scdType"] not in (1, 2):
                raise ContractError(f"keyed dataset {ds['name']} needs keys and scdType 1 or 2, got {keyed!r}")
            for k in [*keyed["keys"], keyed["sequenceBy"]]:
                ident(k)
        src = ds["source"]
        if src["kind"] == "kafka":
            topic_name(src["topic"])
            for f in (src["tenantField"], src["subjectField"]):
                if f is not None:
                    ident(f)
        elif src["kind"] == "bronze":
            table_name(src["table"])
            _flag(src, "registeredTenantsOnly")
        elif src["kind"] == "aggregate":
            if src["filter"] is not None:
                substitution_free(src["filter"])
            for i in src["inputs"]:
                table_name(i["table"])
                _flag(i, "currentOnly")
                for k in (i["join"] or {}).get("on", []):
                    ident(k)
            for g in src["groupBy"]:
                ident(g)
            for m in src["measures"]:
                ident(m["name"])
                if m["column"] is not None:
                    ident(m["column"])
            _flag(src, "registeredTenantsOnly")
        elif src["kind"] == "quarantine":
            for t in src["inputs"]:
                table_name(t)
        else:
            raise ContractError(f"unknown source kind {src['kind']!r} of {ds['name']}")
    return Contract(raw=raw, catalog=catalog)


def load(spark) -> list[Contract]:
    """The contracts named by the pipeline configuration (one on Databricks; a comma-separated list locally)."""
    paths = [p.strip() for p in (spark.conf.get(CONTRACT_CONF, "") or "").split(",") if p.strip()]
    if not paths:
        raise ContractError(f"the pipeline configuration has no {CONTRACT_CONF}")
    sha = spark.conf.get(SHA_CONF, None) if len(paths) == 1 else None
    override = spark.conf.get(LOCAL_CATALOG_CONF, None)
    out = []
    for p in paths:
        try:
            with open(p, encoding="utf-8") as f:
                out.append(parse(f.read(), sha, override))
        except OSError as e:
            raise ContractError(f"cannot read the contract {p}: {e}") from e
    return out
