// lakemesh preview without the engine: finding the engine, the workspace's environment, and what the engine's
// events make of a preview (failures, policy results). The previews themselves run in test/engine.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ENGINE_ENV, EngineError, findEngineDir, resolveEngine } from "../../cli/engine/engine";
import { readPreviewEvents, UNKNOWN_SENTINEL } from "../../cli/engine/events";
import { previewMarkdown, summarize } from "../../cli/engine/summary";
import { LOCAL_PASSPHRASE, workspaceEnv } from "../../cli/engine/workspace";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "lakemesh-engine-"));

describe("finding the engine", () => {
  it("uses $LAKEMESH_PULUMI_ENGINE, relative to the project", () => {
    const root = tmp();
    fs.mkdirSync(path.join(root, "tools", "engine"), { recursive: true });
    fs.writeFileSync(path.join(root, "tools", "engine", "install.sh"), "");
    expect(findEngineDir(root, { [ENGINE_ENV]: "tools/engine" }).dir).toBe(path.join(root, "tools", "engine"));
  });

  it("else finds shared/tools/pulumi-engine next to the project or one of its parents (a clone in any folder)", () => {
    const top = tmp();
    const clone = path.join(top, "ci", "runs", "clone-1");
    fs.mkdirSync(clone, { recursive: true });
    fs.mkdirSync(path.join(top, "shared", "tools", "pulumi-engine"), { recursive: true });
    fs.writeFileSync(path.join(top, "shared", "tools", "pulumi-engine", "install.sh"), "");
    const found = findEngineDir(clone, {});
    expect(found.dir).toBe(path.join(top, "shared", "tools", "pulumi-engine"));
    expect(found.tried.slice(0, 3)).toEqual([path.join(clone, "shared", "tools", "pulumi-engine"), path.join(top, "ci", "runs", "shared", "tools", "pulumi-engine"), path.join(top, "ci", "shared", "tools", "pulumi-engine")]);
  });

  it("else finds it next to the folder the checkout was cloned from (a clone anywhere on the machine)", () => {
    const top = tmp();
    fs.mkdirSync(path.join(top, "shared", "tools", "pulumi-engine"), { recursive: true });
    fs.writeFileSync(path.join(top, "shared", "tools", "pulumi-engine", "install.sh"), "");
    const main = path.join(top, "main");
    execFileSync("git", ["init", "-q", main]);
    const clone = path.join(tmp(), "clone");
    execFileSync("git", ["clone", "-q", main, clone], { stdio: "ignore" });
    expect(findEngineDir(clone, {}).dir).toBe(path.join(top, "shared", "tools", "pulumi-engine"));
  });

  it("fails naming what it tried when there is no pulumi on PATH and no engine", () => {
    const root = tmp();
    expect(() => resolveEngine(root, { PATH: "", [ENGINE_ENV]: "nowhere" })).toThrow(EngineError);
    expect(() => resolveEngine(root, { PATH: "", [ENGINE_ENV]: "nowhere" })).toThrow(
      `no \`pulumi\` on PATH and no prebuilt engine found; install Pulumi (https://www.pulumi.com/docs/install/) or set ${ENGINE_ENV} to the folder holding the engine's install.sh. Tried: ${path.join(root, "nowhere")} ($${ENGINE_ENV})`,
    );
  });

  it("prefers a pulumi on PATH, as users run it", () => {
    const bin = tmp();
    fs.writeFileSync(path.join(bin, "pulumi"), "#!/bin/sh\n", { mode: 0o755 });
    expect(resolveEngine(tmp(), { PATH: bin })).toEqual({ pulumi: path.join(bin, "pulumi"), binDir: bin, source: "path" });
  });
});

describe("the workspace environment", () => {
  const engine = { pulumi: "/e/bin/pulumi", binDir: "/e/bin", source: "installed" as const };
  const env = workspaceEnv("/w", engine, { PATH: "/usr/bin", DATABRICKS_TOKEN: "dapi-real", DATABRICKS_CONFIG_PROFILE: "prod", AWS_PROFILE: "prod", PULUMI_ACCESS_TOKEN: "pul-real", KUBECONFIG: "/home/me/.kube/config", HOME: "/home/me" });
  it("never carries the caller's credentials, backend or cluster", () => {
    expect(env).toMatchObject({ DATABRICKS_TOKEN: "dapi-dummy-preview-token", KUBECONFIG: "/w/kubeconfig-unreachable.yaml", PULUMI_BACKEND_URL: "file:///w/state", PULUMI_CONFIG_PASSPHRASE: LOCAL_PASSPHRASE, HOME: "/home/me" });
    for (const k of ["DATABRICKS_CONFIG_PROFILE", "AWS_PROFILE", "PULUMI_ACCESS_TOKEN"]) expect(env[k]).toBeUndefined();
  });
  it("puts the engine first on PATH, keeps its plugins local and never downloads one", () => {
    expect(env.PATH).toBe("/e/bin:/usr/bin");
    expect(env).toMatchObject({ PULUMI_HOME: "/w/home", PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true" });
  });
});

const event = (n: number, e: object) => JSON.stringify({ sequence: n, timestamp: 0, ...e });
const GRANTS = "urn:pulumi:dev-x::lakemesh::lakemesh:domain:DataDomain$databricks:index/grants:Grants::x-schema-grants";
const TOPIC = "urn:pulumi:dev-x::lakemesh::lakemesh:domain:DataDomain$kafka:index/topic:Topic::x.t.v1";
const STACK = "urn:pulumi:dev-x::lakemesh::pulumi:pulumi:Stack::lakemesh-dev-x";
const stream = (extra: object[] = []) =>
  [
    event(0, { diagnosticEvent: { prefix: "debug: ", message: "Registering resource\n", severity: "debug" } }),
    event(1, { diagnosticEvent: { prefix: "warning: ", message: "using pulumi-resource-kafka from $PATH\n", severity: "warning" } }),
    event(2, { resourcePreEvent: { metadata: { op: "create", urn: GRANTS, type: "databricks:index/grants:Grants", new: { parent: STACK, inputs: { schema: UNKNOWN_SENTINEL, grants: [{ principal: "p", __defaults: [] }] } } } } }),
    event(3, { resourcePreEvent: { metadata: { op: "create", urn: TOPIC, type: "kafka:index/topic:Topic", new: { parent: STACK, inputs: { name: "x.t.v1" } } } } }),
    event(4, { policyAnalyzeSummaryEvent: { resourceUrn: TOPIC, policyPackName: "lakemesh", policyPackVersion: "0.1.0", passed: ["lm-a"], failed: ["lm-b"] } }),
    event(5, { policyEvent: { resourceUrn: TOPIC, message: "Rule b.\ntopic x.t.v1 is wrong\n", policyName: "lm-b", policyPackName: "lakemesh", enforcementLevel: "mandatory", severity: "high" } }),
    event(6, { policyEvent: { resourceUrn: GRANTS, message: "lists.\nlm-a: input schema; checked at update\n", policyName: "lm-checked-at-update", policyPackName: "lakemesh", enforcementLevel: "advisory" } }),
    ...extra.map((e, i) => event(7 + i, e)),
    event(99, { summaryEvent: { resourceChanges: { create: 2 }, result: "failed" } }),
  ].join("\n");
const DESCRIPTIONS = new Map([
  ["lm-b", "Rule b."],
  ["lm-checked-at-update", "lists."],
]);

describe("reading a preview's events", () => {
  it("keeps steps with their unknown inputs, diagnostics but debug output, policy events and tallies", () => {
    const ev = readPreviewEvents(stream());
    expect(ev.steps.map((s) => [s.op, s.name, s.unknownInputs])).toEqual([
      ["create", "x-schema-grants", ["schema"]],
      ["create", "x.t.v1", []],
    ]);
    expect(ev.diagnostics).toEqual([{ severity: "warning", message: "using pulumi-resource-kafka from $PATH" }]);
    expect(ev.tallies).toEqual({ "lm-a": { passed: 1, failed: 0 }, "lm-b": { passed: 0, failed: 1 } });
    expect(ev).toMatchObject({ result: "failed", changes: { create: 2 }, packs: { lakemesh: "0.1.0" } });
  });

  it("fails on a mandatory violation, a rule that could not run, and a provider's Check error, and says which", () => {
    const s = summarize(
      "dev-x",
      "engine",
      readPreviewEvents(
        stream([
          { policyEvent: { resourceUrn: GRANTS, message: "can't run policy 'lm-c' from policy pack 'lakemesh@v0.1.0' during preview: string value at .schema can't be known during preview\n", policyName: "lm-c", policyPackName: "lakemesh", enforcementLevel: "advisory" } },
          { diagnosticEvent: { urn: TOPIC, prefix: "error: ", message: "kafka:index/topic:Topic resource 'x.t.v1' has a problem: partitions must be at least 1\n", severity: "error" } },
        ]),
      ),
      255,
      DESCRIPTIONS,
    );
    expect(s.findings.map((f) => [f.kind, f.policy, f.message])).toEqual([
      ["violation", "lm-b", "topic x.t.v1 is wrong"],
      ["checked-at-update", "lm-a", "input schema; checked at update"],
      ["could-not-run", "lm-c", "string value at .schema can't be known during preview"],
    ]);
    expect(s.failures).toEqual([
      "provider or program error at x.t.v1: kafka:index/topic:Topic resource 'x.t.v1' has a problem: partitions must be at least 1",
      "mandatory violation of lm-b at x.t.v1: topic x.t.v1 is wrong",
      "rule lm-c could not run at x-schema-grants: string value at .schema can't be known during preview",
    ]);
    const md = previewMarkdown(s);
    expect(md).toContain("**Failed** (3):");
    expect(md).toContain("| could-not-run | lm-c | advisory | x-schema-grants | string value at .schema can't be known during preview |");
  });

  it("passes a clean preview, whose advisory notes and checks left to the update are listed", () => {
    const clean = stream().replace('"enforcementLevel":"mandatory"', '"enforcementLevel":"advisory"').replace('"result":"failed"', '"result":"succeeded"');
    const s = summarize("dev-x", "engine", readPreviewEvents(clean), 0, DESCRIPTIONS);
    expect(s.failures).toEqual([]);
    expect(previewMarkdown(s)).toContain("0 mandatory and 1 advisory violations; 0 rule runs could not run; 1 checks left to the update.");
  });

  it("fails when the engine stopped before its summary", () => {
    const s = summarize("dev-x", "engine", readPreviewEvents("error: could not load plugin\n"), 1, DESCRIPTIONS);
    expect(s.failures).toEqual(["engine error: error: could not load plugin", "the engine stopped before its summary (exit 1)"]);
  });
});
