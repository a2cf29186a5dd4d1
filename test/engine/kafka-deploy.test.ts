// A real deploy of one domain's Kafka plane through the real engine, against the local broker in its secure mode
// (SASL/SCRAM-SHA-512 and the KRaft StandardAuthorizer), checked through the broker's admin API:
// topics and their configs, ACLs, what the domain's principals may and may not do, a second `up` that changes
// nothing, partitions and retention changed in place, a topic-replacing change refused, and a protected topic's
// destroy refused. The stack is prod-core-business (protected, the prod policies apply) with its Kafka settings
// pointed at the local broker: one broker, so the pack is told the replication minimums are 1.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { readPreviewEvents } from "../../cli/engine/events";
import { importPlatformStandIn, lakemeshKey, stackValues } from "../../cli/engine/preview";
import { policyFindings } from "../../cli/engine/summary";
import { prepareStack, runPulumi, type RunResult, type Workspace } from "../../cli/engine/workspace";
import { readStackConfig, type StackConfig } from "../../cli/plan/stack-config";
import { compileAcls, compileTopics, meshOf, type AclSpec, type TopicSpec } from "../../lib/compile";
import { readManifestFiles, validateMesh } from "../../lib/manifest";
import { allRules } from "../../policies/rules";
import { ROOT } from "../helpers/settings";
import { keepDiagnostics, readJson, since, testWorkspace, upChanges, upEvents } from "./helpers";

const STACK = "prod-core-business";
const DOMAIN = "core-business";
const OTHER = "users-identity";
// A loaded CI machine starts the JVM slowly: give it three minutes rather than the script's one.
const KAFKA_ENV = { LAKEMESH_KAFKA_START_TIMEOUT: "180", ...process.env, LAKEMESH_KAFKA_SECURE: "1" };
const URN = (type: string, name: string) => `urn:pulumi:${STACK}::lakemesh::lakemesh:domain:DataDomain$${type}::${name}`;
/** The domain's Kafka plane: its component, its topics and its ACLs (everything else in the stack needs Databricks or a cluster). */
const TARGETS = [`urn:pulumi:${STACK}::lakemesh::lakemesh:domain:DataDomain::${DOMAIN}`, URN("kafka:index/topic:Topic", "*"), URN("kafka:index/acl:Acl", "*")].flatMap((t) => ["--target", t]);

let project: string;
let ws: Workspace;
let bootstrap: string;
let adminPassword: string;
let python: string;
let configFile: string;
let policyConfig: string;
let stack: StackConfig;

function kafkaSh(cmd: string): string {
  const r = spawnSync("bash", [path.join(ROOT, "scripts", "local", "kafka.sh"), cmd], { env: KAFKA_ENV, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`kafka.sh ${cmd} failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** kafka_admin.py as `user` (SASL/SCRAM); JSON output parsed. */
function admin<T>(args: string[], user = "admin", password = adminPassword, extra: NodeJS.ProcessEnv = {}): T {
  const r = spawnSync(python, [path.join(ROOT, "scripts", "local", "kafka_admin.py"), "--bootstrap", bootstrap, ...args], {
    cwd: path.join(ROOT, "scripts", "local"),
    env: { ...process.env, LAKEMESH_KAFKA_SASL_USERNAME: user, LAKEMESH_KAFKA_SASL_PASSWORD: password, ...extra },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`kafka_admin.py ${args.join(" ")} failed: ${r.stderr}`);
  return (r.stdout.trim() ? JSON.parse(r.stdout) : undefined) as T;
}

const mesh = () => {
  const { files } = readManifestFiles([path.join(project, "domains")], project);
  return meshOf(validateMesh(files).manifests);
};
const topicsOf = (domain: string): TopicSpec[] => compileTopics(stack.settings, mesh().byName.get(domain)!);
const aclsOf = (domain: string): AclSpec[] => compileAcls(stack.settings, mesh().byName.get(domain)!);
const password = (user: string) => `pw-${user}-local-test`;

async function pulumi(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  const r = await runPulumi(ws, [...args, "--stack", STACK, "--config-file", configFile, "--non-interactive"], { env: extraEnv });
  keepDiagnostics("kafka-deploy", args.filter((a) => !a.startsWith("urn:")).slice(0, 2).join(" "), r.stdout, r.stderr);
  return r;
}
const up = (extra: string[] = []) => pulumi(["up", "--yes", "--json", "--policy-pack", path.join(project, "policies"), "--policy-pack-config", policyConfig, ...TARGETS, ...extra]);
const previewEvents = async (pack: string[] = []) => {
  const r = await pulumi(["preview", "--json", ...pack, ...TARGETS], { PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "true" });
  return { r, ev: readPreviewEvents(r.stdout) };
};
/** Changes the domain's manifest in the project copy, as a pull request would. */
function editManifest(from: RegExp, to: string) {
  const file = path.join(project, "domains", `${DOMAIN}.yaml`);
  const text = fs.readFileSync(file, "utf8");
  if (!from.test(text)) throw new Error(`the manifest has no ${from}`);
  fs.writeFileSync(file, text.replace(from, to));
}
const changes = (r: RunResult) => upChanges(r.stdout);

beforeAll(async () => {
  // A copy of the project whose manifests the test edits; the code, build and pack are the repository's.
  project = path.join(ROOT, ".local", "pulumi-tests", "kafka", "project");
  fs.rmSync(project, { recursive: true, force: true });
  fs.mkdirSync(project, { recursive: true });
  for (const f of fs.readdirSync(ROOT).filter((x) => /^Pulumi(\..+)?\.yaml$/.test(x) || x === "package.json")) fs.copyFileSync(path.join(ROOT, f), path.join(project, f));
  fs.cpSync(path.join(ROOT, "domains"), path.join(project, "domains"), { recursive: true });
  for (const d of ["node_modules", "dist", "notebooks", "policies"]) fs.symlinkSync(path.join(ROOT, d), path.join(project, d));
  ws = testWorkspace("kafka", project);

  // Each start-up step's time, for the report (a fresh clone builds the venv and fetches the jars first).
  let t = Date.now();
  const step = (what: string) => {
    process.stdout.write(`kafka-deploy: ${what} ${since(t)} s\n`);
    t = Date.now();
  };
  python = path.join(spawnSync("bash", [path.join(ROOT, "scripts", "local", "venv.sh")], { encoding: "utf8" }).stdout.trim(), "bin", "python");
  step("venv");
  kafkaSh("reset");
  bootstrap = kafkaSh("up").split("\n").pop()!;
  step("broker up");
  adminPassword = fs.readFileSync(path.join(ROOT, ".local", "kafka", "secure-admin.password"), "utf8").trim();

  stack = readStackConfig(project, STACK);
  const kafka = { bootstrapServers: [bootstrap], auth: "sasl-scram-sha512-plaintext" as const, saslUsername: "admin", replicationFactor: 1, minInsyncReplicas: 1 };
  stack = { ...stack, settings: { ...stack.settings, kafka: { ...stack.settings.kafka, ...kafka } } };
  await importPlatformStandIn(ws, stack);
  configFile = await prepareStack(ws, STACK, stackValues(stack, { [lakemeshKey("kafka")]: kafka }, { [lakemeshKey("kafkaSaslPassword")]: adminPassword }), { fresh: true });
  policyConfig = path.join(ws.dir, "policy-config.json");
  fs.writeFileSync(policyConfig, JSON.stringify({ "lm-kafka-prod-replication": { minReplication: 1, minInsyncReplicas: 1 } }));

  // The domain's SCRAM users: the per-domain credential resources (issue 12) are not on this branch yet.
  for (const role of ["producer", "pipeline"]) {
    try {
      admin(["set-scram", `lakemesh-${DOMAIN}-${role}`], "admin", adminPassword, { LAKEMESH_KAFKA_NEW_PASSWORD: password(`${DOMAIN}-${role}`) });
    } catch (e) {
      // What the broker was doing: the reason a SCRAM upsert hangs is in its log, not in the client's timeout.
      const log = path.join(ROOT, ".local", "kafka", "logs", "server.log");
      const tail = fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").slice(-80).join("\n") : "(no broker log)";
      throw new Error(`${(e as Error).message}\nbroker log (last 80 lines):\n${tail}`);
    }
    step(`set-scram ${role}`);
  }
  // Another domain's personal-data topic, as its own stack would create it.
  const other = topicsOf(OTHER).find((t) => t.personalData)!;
  const made = spawnSync(python, ["-c", "import sys, kafka_admin as k; k.create_topic(sys.argv[1], sys.argv[2], int(sys.argv[3]), dict(a.split('=', 1) for a in sys.argv[4:]))", bootstrap, other.name, String(other.partitions), ...Object.entries(other.config).map(([k, v]) => `${k}=${v}`)], {
    cwd: path.join(ROOT, "scripts", "local"),
    env: { ...process.env, LAKEMESH_KAFKA_SASL_USERNAME: "admin", LAKEMESH_KAFKA_SASL_PASSWORD: adminPassword },
    encoding: "utf8",
  });
  if (made.status !== 0) throw new Error(`creating ${other.name} failed: ${made.stderr}`);
}, 900_000);

afterAll(() => {
  if (bootstrap) kafkaSh("down");
});

describe("the Kafka plane of core-business, deployed for real", () => {
  let first: RunResult;
  beforeAll(async () => {
    first = await up();
  }, 600_000);

  it("deploys the domain's component, topics and ACLs, and nothing else, through the engine and the policy pack", () => {
    expect([first.code, first.code === 0 ? "" : first.stderr + first.stdout.slice(-2000)]).toEqual([0, ""]);
    const created = upEvents(first.stdout).steps.filter((s) => s.op === "create" && !s.type.startsWith("pulumi:"));
    const byType = created.reduce<Record<string, number>>((n, s) => ({ ...n, [s.type]: (n[s.type] ?? 0) + 1 }), {});
    expect(byType).toEqual({ "lakemesh:domain:DataDomain": 1, "kafka:index/topic:Topic": topicsOf(DOMAIN).length, "kafka:index/acl:Acl": aclsOf(DOMAIN).length });
  });

  it("creates each topic with its planned partitions and configs", () => {
    const topics = topicsOf(DOMAIN);
    const seen = admin<Record<string, { partitions: number; replication: number; configs: Record<string, string> }>>(["describe-topics", ...topics.map((t) => t.name)]);
    for (const t of topics) expect([t.name, seen[t.name]]).toEqual([t.name, { partitions: t.partitions, replication: 1, configs: { ...t.config }, endOffsets: 0 }]);
  });

  it("binds exactly the planned ACLs", () => {
    const kind = { Topic: "TOPIC", Group: "GROUP", Cluster: "BROKER" } as const;
    const planned = aclsOf(DOMAIN)
      .map((a) => ({ principal: a.principal, host: a.host, operation: a.operation.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase(), permission: "ALLOW", resourceType: kind[a.resourceType], resourceName: a.resourceNameValue, patternType: a.patternType.toUpperCase() }))
      .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
    const bound = admin<Record<string, string>[]>(["describe-acls"]).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
    expect(bound).toEqual(planned);
  });

  it("lets the domain's producer write its own topic, and its pipeline read it", () => {
    const own = topicsOf(DOMAIN).find((t) => t.personalData)!.name;
    const producer = `lakemesh-${DOMAIN}-producer`;
    const pipeline = `lakemesh-${DOMAIN}-pipeline`;
    expect(admin(["try-produce", own], producer, password(`${DOMAIN}-producer`))).toEqual({ ok: true, error: null });
    expect(admin(["try-consume", own, "--group", `lakemesh.prod.${DOMAIN}.acl-test`], pipeline, password(`${DOMAIN}-pipeline`))).toEqual({ ok: true, error: null });
  });

  it("refuses the domain's principals another domain's personal-data topic", () => {
    const theirs = topicsOf(OTHER).find((t) => t.personalData)!.name;
    expect(admin(["try-consume", theirs, "--group", `lakemesh.prod.${DOMAIN}.acl-test`], `lakemesh-${DOMAIN}-pipeline`, password(`${DOMAIN}-pipeline`))).toEqual({ ok: false, error: "TOPIC_AUTHORIZATION_FAILED" });
    expect(admin(["try-produce", theirs], `lakemesh-${DOMAIN}-producer`, password(`${DOMAIN}-producer`))).toEqual({ ok: false, error: "TOPIC_AUTHORIZATION_FAILED" });
  });

  it("changes nothing on a second up", async () => {
    const again = await up();
    expect(again.code).toBe(0);
    expect(Object.keys(changes(again)).filter((op) => op !== "same")).toEqual([]);
  });

  it("raises partitions and changes retention in place: same topic, same records", async () => {
    const plans = topicsOf(DOMAIN).find((t) => t.logicalName === "equity-plans")!;
    admin(["try-produce", plans.name], `lakemesh-${DOMAIN}-producer`, password(`${DOMAIN}-producer`));
    const before = admin<Record<string, { endOffsets: number }>>(["describe-topics", plans.name])[plans.name];
    editManifest(/(- name: equity-plans\n(?:.*\n)*?\s+partitions: )6\n(\s+retention: )P7D/, "$18\n$2P3D");
    const { ev } = await previewEvents();
    const step = ev.steps.find((s) => s.urn === URN("kafka:index/topic:Topic", plans.name))!;
    expect(step.op).toBe("update");
    const r = await up();
    expect(r.code).toBe(0);
    // The topic, and the component whose inputs are the manifest; nothing replaced, created or deleted.
    const changed = upEvents(r.stdout).steps.filter((s) => s.op !== "same" && s.op !== "read").map((s) => [s.op, s.urn]);
    expect(changed).toEqual([["update", `urn:pulumi:${STACK}::lakemesh::lakemesh:domain:DataDomain::${DOMAIN}`], ["update", URN("kafka:index/topic:Topic", plans.name)]].sort((a, b) => (a[1] < b[1] ? -1 : 1)));
    const after = admin<Record<string, { partitions: number; configs: Record<string, string>; endOffsets: number }>>(["describe-topics", plans.name])[plans.name];
    expect(after.partitions).toBe(8);
    expect(after.configs["retention.ms"]).toBe(String(3 * 24 * 3600 * 1000));
    expect(before.endOffsets).toBeGreaterThan(0);
    expect(after.endOffsets).toBe(before.endOffsets);
  });

  it("shows a topic that would lose partitions as a replacement, which the prod policy and protection refuse", async () => {
    const plans = topicsOf(DOMAIN).find((t) => t.logicalName === "equity-plans")!;
    const deployed = readJson<{ deployment: { resources: { type: string; inputs: { name: string; partitions: number; replicationFactor: number } }[] } }>(
      await (async () => {
        const file = path.join(ws.dir, "export.json");
        const r = await runPulumi(ws, ["stack", "export", "--stack", STACK, "--file", file]);
        if (r.code !== 0) throw new Error(r.stderr);
        return file;
      })(),
    ).deployment.resources.filter((x) => x.type === "kafka:index/topic:Topic");
    editManifest(/(- name: equity-plans\n(?:.*\n)*?\s+partitions: )8\n/, "$14\n");

    // The engine's own view, without the pack: the provider forces a new topic (delete, then create).
    const plain = await previewEvents();
    const step = plain.ev.steps.find((s) => s.urn === URN("kafka:index/topic:Topic", plans.name))!;
    const recorded = { op: step.op, replaceKeys: step.replaceKeys, changedKeys: step.changedKeys, detailedDiff: step.detailedDiff, errors: plain.ev.diagnostics.filter((d) => d.severity === "error").map((d) => d.message) };
    fs.writeFileSync(path.join(ws.dir, "topic-replacement-preview.json"), JSON.stringify(recorded, null, 2));
    process.stdout.write(`a topic losing partitions in preview: ${JSON.stringify(recorded)}\n`);
    // A replacement (create the new topic, then delete the old one and its events). The provider forces it through
    // CustomizeDiff, so the bridge reports it on __meta (update-replace), with partitions the changed input.
    expect(step.op).toBe("replace");
    expect(step.detailedDiff).toMatchObject({ __meta: { diffKind: "update-replace" }, partitions: { diffKind: "update" } });
    // The topic is protected (lakemesh:protect in prod): the engine refuses to replace it.
    expect(plain.r.code).not.toBe(0);
    expect(plain.ev.diagnostics.some((d) => d.severity === "error" && /protect/i.test(d.message))).toBe(true);

    // The pack, given what is deployed, refuses it by name before anyone runs the update.
    const config = path.join(ws.dir, "policy-config-previous.json");
    const previousTopics = Object.fromEntries(deployed.map((t) => [t.inputs.name, { partitions: t.inputs.partitions, replicationFactor: t.inputs.replicationFactor }]));
    fs.writeFileSync(config, JSON.stringify({ ...readJson<object>(policyConfig), "lm-kafka-prod-topic-replacement": { previousTopics } }));
    const guarded = await previewEvents(["--policy-pack", path.join(project, "policies"), "--policy-pack-config", config]);
    const findings = policyFindings(guarded.ev.policyEvents, new Map(allRules.map((r) => [r.name, r.description])));
    expect(findings.filter((f) => f.level === "mandatory")).toEqual([
      expect.objectContaining({
        kind: "violation",
        policy: "lm-kafka-prod-topic-replacement",
        message: `topic ${plans.name} would go from 8 to 4 partitions: Kafka cannot remove partitions, so the provider deletes the topic and its events and creates it again`,
      }),
    ]);

    // Nothing changed on the broker.
    expect(admin<Record<string, { partitions: number }>>(["describe-topics", plans.name])[plans.name].partitions).toBe(8);
    editManifest(/(- name: equity-plans\n(?:.*\n)*?\s+partitions: )4\n/, "$18\n");
  });

  it("refuses to destroy a protected topic", async () => {
    const grants = topicsOf(DOMAIN).find((t) => t.personalData)!;
    const r = await pulumi(["destroy", "--yes", "--target", URN("kafka:index/topic:Topic", grants.name)]);
    expect(r.code).not.toBe(0);
    expect(`${r.stdout}\n${r.stderr}`).toMatch(/protected/);
    expect(admin<Record<string, unknown>>(["describe-topics", grants.name])[grants.name]).not.toBeNull();
  });
});
