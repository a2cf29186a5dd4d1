// The prod stack files with their AWS managed elsewhere: storage and IAM (aws.existingStorage) and the MSK SCRAM
// secrets (kafka.existingScramSecrets), as an organisation whose cloud team owns AWS writes them. The shipped prod
// files keep the full mode (lakemesh creates the buckets, keys and secrets); the offline plan covers both, and the
// real engine here (no AWS provider) previews prod in this mode.
import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { meshScramUsers, readSettings } from "../../lib/compile";
import { loadProjectMeshWithFiles } from "../../lib/project";

const ACCOUNT = "222222222222";
const REGION = "eu-central-1";

export const PROD_EXISTING_STORAGE = {
  ucBucket: "acme-data-prod-unity-catalog",
  landingBucket: "acme-data-prod-landing",
  kmsKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d`,
  storageRoleArn: `arn:aws:iam::${ACCOUNT}:role/acme-data-prod-unity-catalog`,
};

/** The ARN Secrets Manager gives a secret: its name and a random six-character suffix. */
export const mskSecretArn = (user: string) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:AmazonMSK_${user}-Ab12Cd`;

/**
 * Rewrites every Pulumi.prod*.yaml of `project` with AWS managed elsewhere; returns the stack files changed. With
 * `datahubElsewhere`, DataHub too (datahub.install: false): the real engine's Check of a helm.sh/v3 Release downloads
 * the chart from its repository, which a machine without network cannot reach.
 */
export function writeProdAwsElsewhere(project: string, opts: { datahubElsewhere?: boolean } = {}): string[] {
  const files = fs.readdirSync(project).filter((f) => /^Pulumi\.prod(-.+)?\.yaml$/.test(f)).sort();
  const mesh = loadProjectMeshWithFiles(project).mesh;
  for (const f of files) {
    const doc = parseDocument(fs.readFileSync(path.join(project, f), "utf8"));
    doc.setIn(["config", "lakemesh:aws", "existingStorage"], PROD_EXISTING_STORAGE);
    if (opts.datahubElsewhere) doc.setIn(["config", "lakemesh:datahub", "install"], false);
    const config = (doc.toJS() as { config: Record<string, unknown> }).config;
    const settings = readSettings((k) => config[`lakemesh:${k}`], f);
    doc.setIn(["config", "lakemesh:kafka", "existingScramSecrets"], Object.fromEntries(meshScramUsers(settings, mesh.domains).map((u) => [u, mskSecretArn(u)])));
    fs.writeFileSync(path.join(project, f), doc.toString());
  }
  return files;
}

/**
 * A copy of the project at `dir` whose prod stack files have AWS managed elsewhere; code, build, manifests and pack
 * are the repository's (manifests copied, the rest symlinked). Returns `dir`.
 */
export function prodAwsElsewhereProject(root: string, dir: string, opts: { datahubElsewhere?: boolean } = {}): string {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(root).filter((x) => /^Pulumi(\..+)?\.yaml$/.test(x) || x === "package.json")) fs.copyFileSync(path.join(root, f), path.join(dir, f));
  // Manifests are copied: the loader follows no symbolic link.
  fs.cpSync(path.join(root, "domains"), path.join(dir, "domains"), { recursive: true });
  for (const d of ["node_modules", "dist", "notebooks", "policies"]) fs.symlinkSync(path.join(root, d), path.join(dir, d));
  writeProdAwsElsewhere(dir, opts);
  return dir;
}
