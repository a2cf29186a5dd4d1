import * as pulumi from "@pulumi/pulumi";
import { renderDomainArtifacts, type DomainSpec, type Settings } from "../../lib/compile";
import type { DomainManifest } from "../../lib/manifest";
import { TYPES } from "../types";
import { createCatalog } from "./catalog";
import { createKafkaCredentials } from "./credentials";
import { createDatahubIngestion } from "./datahub";
import { createKafka } from "./kafka";
import { createPipeline } from "./pipeline";
import { PlatformRefs, resolveNames } from "./refs";

/** Arguments for {@link DataDomain}. */
export interface DataDomainArgs {
  /** The validated manifest. Registered as an input so the policy pack can check it. */
  readonly manifest: DomainManifest;
  /**
   * The manifest's file, relative to the project (`domains/<name>.yaml`), so policy violations name file:line:col.
   * @default none: violations then name the domain and the field only
   */
  readonly manifestFile?: string;
  /** The domain's compiled plan (lib/compile compileDomain): plain data, fully known at preview. */
  readonly spec: DomainSpec;
  /** Stack settings the spec was compiled with. */
  readonly settings: Settings;
  /** Platform names and ids: the Platform component's outputs, or a StackReference to the platform stack. */
  readonly platform: PlatformRefs;
  /** Project folder the spec's project-relative code files are read from. */
  readonly root: string;
  /**
   * SCRAM passwords of the domain's Kafka users, by secret config key (spec.kafkaCredentials.users[].passwordKey).
   * @default {}
   */
  readonly kafkaPasswords?: Readonly<Record<string, pulumi.Input<string>>>;
}

/**
 * One business domain: Kafka topics and ACLs, its Unity Catalog schema and grants, the Lakeflow pipeline with its
 * compiled contract, the refresh-and-govern job, and DataHub ingestion. Children are named from manifest names.
 */
export class DataDomain extends pulumi.ComponentResource {
  /** Unity Catalog schema name. */
  public readonly schemaName: pulumi.Output<string>;
  /** Physical topic names. */
  public readonly topicNames: pulumi.Output<string[]>;
  public readonly pipelineId: pulumi.Output<string>;
  public readonly jobId: pulumi.Output<string>;
  /** SHA-256 of the uploaded contract. */
  public readonly contractSha256: pulumi.Output<string>;

  constructor(name: string, args: DataDomainArgs, opts?: pulumi.ComponentResourceOptions) {
    // The inputs the policy pack reads: the whole manifest, and the physical names it cannot derive. Kept small:
    // every registered input is serialized, and the whole spec would cost more than all the children.
    const base = { manifest: args.manifest, env: args.settings.env, schema: args.spec.schema.name, topics: args.spec.topics.map((t) => ({ name: t.name, personalData: t.personalData })) };
    const policyInputs = args.manifestFile ? { ...base, manifestFile: args.manifestFile } : base;
    super(TYPES.DataDomain, name, policyInputs, opts);
    const { spec, manifest, settings } = args;
    const names = resolveNames(args.platform);
    const artifacts = names.apply((n) => renderDomainArtifacts(settings, spec, manifest, n, { warehouseId: n.warehouseId, gmsUrl: n.gmsUrl }));
    const { topics } = createKafka(spec, this);
    const credentials = createKafkaCredentials(spec, settings, args.kafkaPasswords ?? {}, this);
    const { schema } = createCatalog(spec, args.platform.catalog, this);
    const { pipeline, job } = createPipeline(spec, args.root, artifacts, { catalog: args.platform.catalog, warehouseId: args.platform.warehouseId }, [schema, ...credentials], this);
    createDatahubIngestion(spec, artifacts, this);

    this.schemaName = schema.name;
    this.topicNames = pulumi.all(topics.map((t) => t.name));
    this.pipelineId = pipeline.id;
    this.jobId = job.id;
    this.contractSha256 = artifacts.apply((a) => a.contractSha256);
    // The policy inputs are registered as outputs too: the engine gives stack policies a component's registered
    // outputs, not its inputs, and without them every rule reading the manifest would check nothing.
    this.registerOutputs({ ...policyInputs, schemaName: this.schemaName, topicNames: this.topicNames, pipelineId: this.pipelineId, jobId: this.jobId, contractSha256: this.contractSha256 });
  }
}
