import { createHash } from "crypto";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { maskSpecs, meshOf, platformOutputs, platformStackName, type Mesh, type Settings } from "../../lib/compile";
import { readManifestFiles, validateMesh } from "../../lib/manifest";

/** The warehouse id of every offline plan: the platform plan's SqlEndpoint gets it, domain plans read it. */
export const OFFLINE_WAREHOUSE_ID = "offline-warehouse-id";

/** The deploying identity of every offline plan (getCurrentUser). */
export const OFFLINE_DEPLOYER = "deployer@offline.invalid";

type Inputs = Record<string, unknown>;

/** Ids the real providers would return, where other resources read them (Grants on a schema take its id). */
const IDS: Record<string, (name: string, i: Inputs) => string> = {
  "databricks:index/catalog:Catalog": (_, i) => String(i.name),
  "databricks:index/schema:Schema": (_, i) => `${i.catalogName}.${i.name}`,
  "databricks:index/volume:Volume": (_, i) => `${i.catalogName}.${i.schemaName}.${i.name}`,
  "databricks:index/storageCredential:StorageCredential": (_, i) => String(i.name),
  "databricks:index/externalLocation:ExternalLocation": (_, i) => String(i.name),
  "aws:s3/bucket:Bucket": (_, i) => String(i.bucket),
  "aws:iam/role:Role": (_, i) => String(i.name),
  "kafka:index/topic:Topic": (_, i) => String(i.name),
  "databricks:index/sqlEndpoint:SqlEndpoint": () => OFFLINE_WAREHOUSE_ID,
  "pulumi:pulumi:StackReference": (_, i) => String(i.name),
  // SCIM ids are numbers (federation policies take them as integers).
  "databricks:index/servicePrincipal:ServicePrincipal": (name) => String(parseInt(digest(name).slice(0, 12), 16)),
};

const digest = (text: string) => createHash("sha256").update(text).digest("hex");
/** A deterministic UUID-shaped id for an offline resource. */
const offlineUuid = (name: string) => {
  const h = digest(name);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** The SDK's wire form of a value unknown during preview (what a mock returns to make an output unknown). */
const UNKNOWN = pulumi.runtime.unknownValue;

/** Outputs the real providers compute that the program reads. Deterministic: the plan must be byte-identical. */
function computed(type: string, name: string, i: Inputs, region: string, account: string): Inputs {
  switch (type) {
    case "aws:kms/key:Key":
      return { arn: `arn:aws:kms:${region}:${account}:key/offline-${name}`, keyId: `offline-${name}` };
    case "aws:s3/bucket:Bucket":
      return { arn: `arn:aws:s3:::${i.bucket}` };
    case "aws:iam/role:Role":
      return { arn: `arn:aws:iam::${account}:role/${i.name}` };
    case "aws:secretsmanager/secret:Secret":
      // Secrets Manager appends six random characters to a secret's ARN.
      return { arn: `arn:aws:secretsmanager:${region}:${account}:secret:${i.name}-offline` };
    case "databricks:index/storageCredential:StorageCredential":
      return { awsIamRole: { ...(i.awsIamRole as Inputs), externalId: "offline-plan-external-id", unityCatalogIamArn: "arn:aws:iam::414351767826:role/unity-catalog-offline" } };
    case "databricks:index/sqlEndpoint:SqlEndpoint":
      return { jdbcUrl: "jdbc:databricks://offline" };
    case "databricks:index/servicePrincipal:ServicePrincipal":
      return { applicationId: offlineUuid(name) };
    default:
      return {};
  }
}

/** Every leaf of `v` replaced by the unknown value: what a provider's preview of a create gives for computed outputs. */
const unknownLeaves = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(unknownLeaves) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unknownLeaves(x)])) : UNKNOWN;

/** The organisation every offline plan runs in (what pulumi.getOrganization() returns under the mocks). */
export const OFFLINE_ORGANIZATION = "organization";

/** What the platform plan of `mesh` exports: a domain stack's plan reads these by default. */
export function offlinePlatformOutputs(s: Settings, mesh?: Mesh): Record<string, unknown> {
  return { ...platformOutputs(s, OFFLINE_WAREHOUSE_ID, maskSpecs(mesh).map((m) => m.key)) };
}

/**
 * What the platform plan of the project's manifests (`root`/domains) exports, its masks included: what a domain
 * stack's offline plan reads by default, and what `lakemesh preview` puts in the platform stand-in.
 */
export function projectPlatformOutputs(root: string, s: Settings): Record<string, unknown> {
  return offlinePlatformOutputs(s, meshOf(validateMesh(readManifestFiles([path.join(root, "domains")], root).files).manifests));
}

/**
 * Mocks for the offline plan: every resource echoes its inputs, plus the ids and outputs above. A StackReference
 * to the environment's platform stack of `project` returns the outputs the platform plan exports (`platform`
 * replaces them, for tests); a reference to any other stack fails the plan instead of being answered as if it were
 * the platform (a plan must not vouch for a stack it cannot see).
 * With `preview`, resources are planned the way `pulumi preview` sees a first deployment: a resource that does not
 * exist yet has no id, and the outputs its provider computes are unknown (its inputs are echoed, as the engine's
 * preview does); reads (StackReference, Resource.get) are known.
 */
export function planMocks(s: Settings, platform: Record<string, unknown> = offlinePlatformOutputs(s), project?: string, preview = false): pulumi.runtime.Mocks {
  const [region, account] = [s.aws.region, s.aws.accountId];
  const platformStack = `${OFFLINE_ORGANIZATION}/${project ?? "<project>"}/${platformStackName(s.env)}`;
  const isPlatform = (name: string) => {
    const [org, proj, stack, ...rest] = name.split("/");
    return rest.length === 0 && org === OFFLINE_ORGANIZATION && (project === undefined ? !!proj : proj === project) && stack === platformStackName(s.env);
  };
  return {
    newResource(args) {
      const id = IDS[args.type]?.(args.name, args.inputs) ?? `${args.name}-id`;
      if (args.type === "pulumi:pulumi:StackReference") {
        const name = String(args.inputs.name);
        if (!isPlatform(name)) {
          throw new Error(`offline plan: StackReference ${JSON.stringify(name)} is not this environment's platform stack ${platformStack}; the plan answers only for that one`);
        }
        return { id, state: { name, outputs: platform, secretOutputNames: [] } };
      }
      const outputs = computed(args.type, args.name, args.inputs, region, account);
      if (preview && args.custom && !args.id) {
        // The storage credential echoes its role ARN; the external id and Unity Catalog role are computed.
        const unknown = args.type === "databricks:index/storageCredential:StorageCredential"
          ? { awsIamRole: { ...(args.inputs.awsIamRole as Inputs), externalId: UNKNOWN, unityCatalogIamArn: UNKNOWN } }
          : (unknownLeaves(outputs) as Inputs);
        return { id: undefined, state: { ...args.inputs, ...unknown } };
      }
      return { id, state: { ...args.inputs, ...outputs } };
    },
    call(args) {
      if (args.token === "databricks:index/getAwsUnityCatalogAssumeRolePolicy:getAwsUnityCatalogAssumeRolePolicy") {
        const { awsAccountId, roleName, externalId } = args.inputs as { awsAccountId: string; roleName: string; externalId: string };
        const json = JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: "sts:AssumeRole",
              Principal: { AWS: ["arn:aws:iam::414351767826:role/unity-catalog-offline", `arn:aws:iam::${awsAccountId}:root`] },
              Condition: { StringEquals: { "sts:ExternalId": externalId }, ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${awsAccountId}:role/${roleName}` } },
            },
          ],
        });
        return { id: roleName, json };
      }
      // Account and workspace lookups: deterministic SCIM ids and ACL principal names.
      if (args.token === "databricks:index/getGroup:getGroup") {
        const name = String((args.inputs as { displayName: string }).displayName);
        return { id: `offline-group-${name}`, displayName: name, aclPrincipalId: `groups/${name}` };
      }
      if (args.token === "databricks:index/getServicePrincipal:getServicePrincipal") {
        const app = String((args.inputs as { applicationId: string }).applicationId);
        return { id: `offline-sp-${app}`, applicationId: app, aclPrincipalId: `servicePrincipals/${app}` };
      }
      if (args.token === "databricks:index/getCurrentUser:getCurrentUser") {
        return { id: "offline-deployer", userName: OFFLINE_DEPLOYER, aclPrincipalId: `users/${OFFLINE_DEPLOYER}` };
      }
      return {};
    },
  };
}
