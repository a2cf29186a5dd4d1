"""Checks a lakemesh DataHub metadata file with DataHub's own SDK (acryl-datahub), stricter than
`datahub check metadata-file`, which accepts an unknown aspect as a raw proposal.

For every record: DataHub's file source parses it into a typed MetadataChangeProposalWrapper (a known aspect class,
deserialized from its Avro schema, validate() true); the aspect is one DataHub's entity registry allows on that
entity type; re-serializing it the way DataHub's file sink writes gives back exactly the record (nothing dropped or
changed; only fields at their default may be added, as DataHub's newer schemas add optional fields the server
version in use may not have); data contracts and their assertions carry the URNs `datahub datacontract upsert` would
give them. Prints one line per problem and exits 1 on any; prints a summary and exits 0 otherwise.

With --recipes, also checks recipes that load such files (a `file` source and a `datahub-rest` sink) with DataHub's
config models, after DataHub's own ${VAR} expansion.

Usage: python datahub_check.py <metadata.json>... [--recipes <recipe.yml>...]
"""

import json
import sys

from datahub.emitter.mce_builder import datahub_guid
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.ingestion.source.file import _from_obj_for_file
from datahub.metadata.schema_classes import (
    ENTITY_TYPE_TO_ASPECT_NAMES,
    KEY_ASPECT_NAMES,
    DataContractPropertiesClass,
)


DEFAULTS = (False, None, 0, "", {}, [])


def differences(ours, theirs, at="") -> list:
    """Where `theirs` (DataHub's serialization) is not `ours` plus defaulted fields."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        out = [f"{at}/{k}: dropped by DataHub" for k in ours if k not in theirs]
        out += [f"{at}/{k}: DataHub adds {theirs[k]!r}" for k in theirs if k not in ours and theirs[k] not in DEFAULTS]
        for k in ours:
            if k in theirs:
                out += differences(ours[k], theirs[k], f"{at}/{k}")
        return out
    if isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
        return [d for i, (a, b) in enumerate(zip(ours, theirs)) for d in differences(a, b, f"{at}/{i}")]
    return [] if ours == theirs else [f"{at}: ours {ours!r}, DataHub's {theirs!r}"]


def main(path: str) -> int:
    with open(path, encoding="utf-8") as f:
        records = json.load(f)
    problems = []
    contracts = {}
    assertions = {}
    for i, rec in enumerate(records):
        where = f"record {i} ({rec.get('entityUrn')} {rec.get('aspectName')})"
        item = _from_obj_for_file(json.loads(json.dumps(rec)))
        if not isinstance(item, MetadataChangeProposalWrapper):
            problems.append(f"{where}: not a typed proposal (unknown aspect or entity): {type(item).__name__}")
            continue
        allowed = set(ENTITY_TYPE_TO_ASPECT_NAMES.get(item.entityType, [])) | KEY_ASPECT_NAMES
        if item.aspectName not in allowed:
            problems.append(f"{where}: aspect {item.aspectName} is not allowed on entity type {item.entityType}")
        for d in differences(rec, item.to_obj(simplified_structure=True)):
            problems.append(f"{where}: {d}")
        if isinstance(item.aspect, DataContractPropertiesClass):
            contracts[item.entityUrn] = item.aspect
        if item.aspectName == "assertionInfo":
            assertions[item.entityUrn] = item.aspect
    for urn, props in contracts.items():
        expected = f"urn:li:dataContract:{datahub_guid({'entity': props.entity})}"
        if urn != expected:
            problems.append(f"{urn}: DataHub names the contract of {props.entity} {expected}")
        refs = [c.assertion for c in (props.schema or []) + (props.freshness or []) + (props.dataQuality or [])]
        for ref in refs:
            if ref not in assertions:
                problems.append(f"{urn}: assertion {ref} is not in the file")
            else:
                a = assertions[ref]
                about = next((x.entity for x in (a.sqlAssertion, a.schemaAssertion, a.freshnessAssertion, a.customAssertion) if x), None)
                if about != props.entity:
                    problems.append(f"{urn}: assertion {ref} is about {about}, not {props.entity}")
    for p in problems:
        print(p)
    if problems:
        return 1
    print(f"{len(records)} records: every one a typed DataHub proposal, allowed on its entity, written back by DataHub unchanged; {len(contracts)} data contracts, {len(assertions)} assertions")
    return 0


def check_recipe(path: str) -> int:
    from datahub.configuration.config_loader import load_config_file
    from datahub.ingestion.run.pipeline_config import PipelineConfig
    from datahub.ingestion.sink.datahub_rest import DatahubRestSinkConfig
    from datahub.ingestion.source.file import FileSourceConfig

    recipe = load_config_file(path)
    PipelineConfig.model_validate(recipe)
    if recipe["source"]["type"] != "file" or recipe["sink"]["type"] != "datahub-rest":
        print(f"{path}: source {recipe['source']['type']} and sink {recipe['sink']['type']}; expected file and datahub-rest")
        return 1
    FileSourceConfig.model_validate(recipe["source"]["config"])
    DatahubRestSinkConfig.model_validate(recipe["sink"]["config"])
    print(f"{path}: a valid file -> datahub-rest recipe")
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    cut = args.index("--recipes") if "--recipes" in args else len(args)
    status = 0
    for f in args[:cut]:
        print(f"{f}:", flush=True)
        try:
            status = main(f) or status
        except Exception as e:  # a record DataHub cannot even parse: report it and go on with the next file
            print(f"{f}: DataHub cannot read it: {type(e).__name__}: {e}", flush=True)
            status = 1
    for f in args[cut + 1 :]:
        status = check_recipe(f) or status
    sys.exit(status)
