import type { DomainManifest } from "../manifest";
import { compileContract, contractJson, PipelineContract, sha256 } from "./contract";
import { compileDatahubIngestion, DatahubIngestionSpec, renderDatahubRecipe } from "./datahub";
import { DATAHUB_METADATA_FILES, domainMetadata, metadataFile, renderDatahubFileRecipe } from "./datahub-metadata";
import { pipelineName } from "./naming";
import { compileSchemaGrants, compileTableGrants, SchemaGrantsSpec, TableGrantSpec } from "./grants";
import { renderGovernanceSql } from "./governance-sql";
import { AclSpec, compileAcls, compileTopics, TopicSpec } from "./kafka";
import { Mesh } from "./model";
import { resourceName, schemaName } from "./naming";
import { compilePipeline, JobSpec, PipelineSpec } from "./pipeline";
import type { PlatformNames } from "./platform-names";
import { compileKafkaCredentials, type KafkaCredentialsSpec } from "./kafka-credentials";
import type { Settings } from "./settings";
import { domainFolder, type FolderSpec } from "./workspace";

export interface SchemaSpec {
  readonly resourceName: string;
  readonly name: string;
  readonly comment: string;
  readonly properties: Readonly<Record<string, string>>;
}

/** Everything a DataDomain registers, as plain data. */
export interface DomainSpec {
  readonly name: string;
  /** Prod: protect and retain schemas and topics. */
  readonly protect: boolean;
  readonly topics: readonly TopicSpec[];
  readonly acls: readonly AclSpec[];
  readonly schema: SchemaSpec;
  readonly schemaGrants: SchemaGrantsSpec;
  readonly tableGrants: readonly TableGrantSpec[];
  readonly pipeline: PipelineSpec;
  readonly job: JobSpec;
  readonly datahub: DatahubIngestionSpec;
  /** Workspace folder of the pipeline code, contract and governance SQL, and its ACL. */
  readonly folder: FolderSpec;
  /** SASL/SCRAM users of the domain and its pipeline's secret scope; null without SASL or topics. */
  readonly kafkaCredentials: KafkaCredentialsSpec | null;
}

export function compileDomain(s: Settings, mesh: Mesh, domain: DomainManifest, codeSources: readonly string[]): DomainSpec {
  const d = domain.metadata.name;
  const kafkaCredentials = compileKafkaCredentials(s, domain);
  const { pipeline, job } = compilePipeline(s, domain, codeSources, kafkaCredentials);
  const topics = compileTopics(s, domain);
  return {
    name: d,
    protect: s.protect,
    topics,
    acls: compileAcls(s, domain, topics),
    schema: {
      resourceName: resourceName(d, "schema"),
      name: schemaName(d),
      comment: `${domain.metadata.title}: ${domain.metadata.description}`,
      properties: { "lakemesh.domain": d, "lakemesh.owner_team": domain.metadata.owner.team, "lakemesh.owner_contact": domain.metadata.owner.contact },
    },
    schemaGrants: compileSchemaGrants(s, mesh, domain),
    tableGrants: compileTableGrants(s, mesh, domain),
    pipeline,
    job,
    datahub: compileDatahubIngestion(s, domain),
    folder: domainFolder(s, d),
    kafkaCredentials,
  };
}

/** Files rendered with the platform's names: what is uploaded next to the pipeline code. */
export interface DomainArtifacts {
  readonly contract: PipelineContract;
  readonly contractJson: string;
  readonly contractSha256: string;
  readonly governanceSql: string;
  readonly datahubRecipe: string;
  /** The domain's contracts, products and glossary terms as a DataHub MCP file, and the recipe that loads it. */
  readonly datahubMetadata: string;
  readonly datahubMetadataRecipe: string;
}

export function renderDomainArtifacts(
  s: Settings,
  spec: DomainSpec,
  domain: DomainManifest,
  names: PlatformNames,
  platform: { readonly warehouseId: string; readonly gmsUrl: string },
): DomainArtifacts {
  const contract = compileContract(s, names, domain);
  const json = contractJson(contract);
  return {
    contract,
    contractJson: json,
    contractSha256: sha256(json),
    governanceSql: renderGovernanceSql(contract, spec.tableGrants),
    datahubRecipe: renderDatahubRecipe(s, domain, names.catalog, platform.warehouseId, platform.gmsUrl),
    datahubMetadata: metadataFile(domainMetadata(domain, contract)),
    datahubMetadataRecipe: renderDatahubFileRecipe(pipelineName(s, domain.metadata.name), DATAHUB_METADATA_FILES.mountDir, platform.gmsUrl),
  };
}
