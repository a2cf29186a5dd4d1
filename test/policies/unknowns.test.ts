// Every rule handles inputs unknown at preview (policies/README.md, "Unknown values at preview"): over the preview
// plan of a whole stack, and over each kind of resource with all its inputs unknown, no rule stops with the
// engine's "can't run policy". A rule that reads an unknown without `known` fails here, as it fails the real preview.
import { readStackConfig } from "../../cli/plan/stack-config";
import { runOfflinePlan, type OfflinePlan } from "../../cli/plan/run";
import type { PlannedResource } from "../../cli/plan/record";
import { accessViewOf, runPolicies, type PolicyPackConfig } from "../../policies/harness";
import { allRules } from "../../policies/rules";
import { ROOT } from "../helpers/settings";
import { UNKNOWN_IN_PLAN } from "../helpers/policy";

let plan: OfflinePlan;
beforeAll(async () => {
  // prod, single stack: the platform with the storage lakemesh manages, and every domain, as `pulumi preview` sees them.
  plan = await runOfflinePlan(ROOT, readStackConfig(ROOT, "prod"), undefined, { preview: true });
});

const config: PolicyPackConfig = { "lm-secrets-not-plaintext": { secretsVisible: true } };
const unknownInputs = (r: PlannedResource): PlannedResource => ({ ...r, inputs: Object.fromEntries(Object.keys(r.inputs).map((k) => [k, UNKNOWN_IN_PLAN])) });
const couldNotRun = (resources: readonly PlannedResource[]) => runPolicies(resources, config).filter((v) => v.couldNotRun).map((v) => `${v.policy}: ${v.message} @ ${v.urn}`);

describe("the preview plan", () => {
  it("has the unknowns the engine has: no ids, provider-computed outputs unknown", () => {
    const unknownAt = (name: string) => Object.entries(plan.resources.find((r) => r.name === name)!.inputs).filter(([, v]) => v === UNKNOWN_IN_PLAN).map(([k]) => k);
    expect(unknownAt("alpha-schema-grants".replace("alpha", "core-business"))).toEqual(["schema"]);
    expect(unknownAt("warehouse-permissions")).toEqual(["sqlEndpointId"]);
    // Rendered from the platform's outputs, which wait for the governance objects' ids in a single stack.
    expect(unknownAt("core-business-contract")).toEqual(["contentBase64"]);
  });

  it("runs every rule to the end, leaving unknowns to the update", () => {
    expect(couldNotRun(plan.resources)).toEqual([]);
    const listed = runPolicies(plan.resources, config).filter((v) => v.policy === "lm-checked-at-update");
    expect(listed.length).toBeGreaterThan(0);
    // In a single stack the domains' catalog name waits for the platform's objects, so a domain schema's name (and
    // what is rendered from the catalog: contracts, recipes) is unknown at preview; bucket policies name bucket ARNs.
    // The access model then cannot read which tables the GDPR jobs reach (the contracts): lm-workload-privileges
    // leaves those privileges to the update.
    expect(new Set(listed.map((v) => v.message.split(":")[0]))).toEqual(
      new Set([
        "lm-secrets-not-plaintext",
        "lm-uc-tenant-filter-and-masks",
        "lm-gdpr-erasure-survival",
        "lm-datahub-recipe-env-refs",
        "lm-aws-bucket-tls-only",
        "lm-uc-one-grants-per-securable",
        "lm-workload-privileges",
        // A recipe, a pipeline's configuration (its contract hash) and the contracts are rendered from values a
        // provider computes.
        "lm-datahub-no-query-text",
        "lm-pipeline-secrets-by-name",
        // A job's settings name its pipeline by id, unknown at preview: the job-secrets check of that value waits.
        "lm-job-secrets-by-name",
        "lm-uc-one-filter-mechanism",
        // They read each table's personal columns and properties from the contracts, unknown here.
        "lm-gdpr-no-change-data-feed",
        "lm-gdpr-no-fail-on-personal",
      ]),
    );
    expect(listed.filter((v) => v.message.startsWith("lm-uc-one-grants-per-securable")).map((v) => v.urn!.split("::").pop()).sort()).toEqual(
      ["core-business", "external-integrations", "operational-activities", "outcomes-performance", "usage-engagement", "users-identity"].map((d) => `${d}-schema-grants`),
    );
  });
});

describe("the access model at preview", () => {
  // A domain stack's ids are unknown at preview (the pipeline's, the schema's), but every reference names the resource
  // it comes from, so the access rules check everything with nothing left over: no violation, no deferral.
  // What stays unknown in a prod domain stack: the ids the DataDomain component registers as outputs (the engine gives
  // them to policies), and what AWS computes for the domain's MSK SCRAM secrets (key ids, secret ARNs). None of them
  // is an id a grant, a permission or an ACL is read from.
  const COMPUTED = [
    "core-business jobId",
    "core-business pipelineId",
    ...["pipeline", "producer"].flatMap((u) => [
      `core-business-kafka-user-${u} kmsKeyId`,
      `core-business-kafka-user-${u}-msk secretArn`,
      `core-business-kafka-user-${u}-policy policy`,
      `core-business-kafka-user-${u}-policy secretArn`,
      `core-business-kafka-user-${u}-value secretId`,
    ]),
    "core-business-kms-kafka-scram-alias targetKeyId",
  ];

  it("resolves a domain stack's unknown ids and checks every privilege", async () => {
    const domain = await runOfflinePlan(ROOT, readStackConfig(ROOT, "prod", "core-business"), undefined, { preview: true });
    expect(domain.resources.some((r) => Object.values(r.inputs).includes(UNKNOWN_IN_PLAN))).toBe(true);
    const { resources, unresolved } = accessViewOf(domain.resources);
    expect(unresolved).toEqual([...COMPUTED].sort());
    const job = resources.find((r) => r.name === "core-business-job")!;
    const perms = resources.find((r) => r.name === "core-business-pipeline-permissions")!;
    const pipelineUrn = resources.find((r) => r.name === "core-business-pipeline")!.urn;
    expect(perms.inputs.pipelineId).toBe(`(id of ${pipelineUrn})`);
    expect(job.inputs.tasks.map((t: { pipelineTask?: { pipelineId: string } }) => t.pipelineTask?.pipelineId).filter(Boolean)).toEqual([`(id of ${pipelineUrn})`]);
    const access = runPolicies(domain.resources, config).filter((v) => /lm-workload-privileges|lm-tenant-isolation|lm-account-objects-single-owner/.test(`${v.policy} ${v.message}`));
    expect(access).toEqual([]);
  });

  it("with a pipeline id it cannot resolve, leaves the missing privilege to the update instead of failing", async () => {
    const domain = await runOfflinePlan(ROOT, readStackConfig(ROOT, "prod", "core-business"), undefined, { preview: true });
    // The Permissions lose the dependency that says which pipeline their id is: CAN_RUN can no longer be matched.
    const cut = domain.resources.map((r) => (r.name === "core-business-pipeline-permissions" ? { ...r, propertyDependencies: {} } : r));
    expect(accessViewOf(cut).unresolved).toEqual([...COMPUTED, "core-business-pipeline-permissions pipelineId"].sort());
    const v = runPolicies(cut, config);
    expect(v.filter((x) => x.policy === "lm-workload-privileges")).toEqual([]);
    expect(v.filter((x) => x.policy === "lm-checked-at-update" && x.message.startsWith("lm-workload-privileges:")).map((x) => x.message)).toEqual([
      expect.stringContaining("start an update of its pipeline (inputs unknown at preview: "),
    ]);
  });
});

describe("every rule, with every input of a resource unknown", () => {
  it("never stops: one resource of each type at a time", () => {
    const types = [...new Set(plan.resources.map((r) => r.type))];
    expect(types.length).toBeGreaterThan(20);
    for (const type of types) {
      const target = plan.resources.find((r) => r.type === type)!;
      const resources = plan.resources.map((r) => (r === target ? unknownInputs(r) : r));
      expect([type, couldNotRun(resources)]).toEqual([type, []]);
    }
  });

  it("never stops: every resource at once", () => {
    expect(couldNotRun(plan.resources.map(unknownInputs))).toEqual([]);
  });

  it("is what lm-checked-at-update lists last", () => {
    expect(allRules[allRules.length - 1].name).toBe("lm-checked-at-update");
  });
});
