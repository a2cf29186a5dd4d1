// The plan command's policy inputs from files (--policy-config, --previous): read as regular files of bounded
// size, checked for shape before any rule sees them, and kept on objects without a prototype.
import Ajv from "ajv";
import type { PolicyPackConfig } from "../../policies/harness";
import { allRules } from "../../policies/rules";
import { validateMesh, type DomainManifest } from "../../lib/manifest";
import { readRegularFile, UnreadableFileError } from "../../lib/read-file";
import { printable } from "../../lib/text";
import type { PreviousTopics } from "../../policies/rules/kafka/lm-kafka-prod-topic-replacement";

export class PolicyInputError extends Error {}

/** A policy config is a few kilobytes; a previous plan.json of a large mesh a few tens of megabytes. */
export const MAX_POLICY_CONFIG_BYTES = 1024 * 1024;
export const MAX_PREVIOUS_PLAN_BYTES = 64 * 1024 * 1024;

const LEVELS = ["advisory", "mandatory", "remediate", "disabled"];
/** Keys that reach an object's prototype when assigned: never a policy name or setting. */
const PROTOTYPE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

function readJson(option: string, file: string, given: string, maxBytes: number): unknown {
  const shown = `${option} ${printable(given)}`;
  let text: string;
  try {
    text = readRegularFile(file, maxBytes);
  } catch (e) {
    if (e instanceof UnreadableFileError) throw new PolicyInputError(`${shown}: file ${e.message}; a regular JSON file of at most ${maxBytes} bytes`);
    throw e;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    // JSON.parse quotes the input in its message: printable() keeps control characters out of the terminal.
    throw new PolicyInputError(`${shown}: ${printable((e as Error).message.slice(0, 200))}`);
  }
}

/** The first `__proto__`, `constructor` or `prototype` key anywhere in a JSON value, as a path; iterative. */
function prototypeKey(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, "(root)"]];
  while (stack.length > 0) {
    const [v, at] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    for (const [k, x] of Object.entries(v)) {
      if (PROTOTYPE_KEYS.has(k)) return `${at}.${k}`;
      stack.push([x, `${at}.${k}`]);
    }
  }
  return undefined;
}

/**
 * Reads a --policy-config file (the shape of `pulumi preview --policy-pack-config`): an object of policy names (or
 * `all`) to an enforcement level or an object of a level and settings. Unknown policy names and prototype keys
 * (`__proto__` would otherwise become the merged config's prototype and disable every rule) are refused.
 */
export function readPolicyConfig(file: string | undefined, given = file): PolicyPackConfig {
  if (!file) return Object.create(null);
  const shown = `--policy-config ${printable(given!)}`;
  const parsed = readJson("--policy-config", file, given!, MAX_POLICY_CONFIG_BYTES);
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new PolicyInputError(`${shown}: not a JSON object; an object of policy names to a level or settings`);
  const proto = prototypeKey(parsed);
  if (proto) throw new PolicyInputError(`${shown}: ${printable(proto)}: a prototype key is not a policy name or setting`);
  const names = new Set(["all", ...allRules.map((r) => r.name)]);
  const out: PolicyPackConfig = Object.create(null);
  for (const [name, entry] of Object.entries(parsed as Record<string, unknown>)) {
    if (!names.has(name)) throw new PolicyInputError(`${shown}: ${printable(JSON.stringify(name))} is not a policy of the pack; one of: ${[...names].sort().join(", ")}`);
    const ok = typeof entry === "string" ? LEVELS.includes(entry) : !!entry && typeof entry === "object" && !Array.isArray(entry);
    if (!ok) throw new PolicyInputError(`${shown}: ${name}: ${printable(JSON.stringify(entry)?.slice(0, 60) ?? "undefined")} is not allowed; one of ${LEVELS.join(", ")}, or an object of enforcementLevel and the policy's settings`);
    out[name] = entry as PolicyPackConfig[string];
  }
  return out;
}

// The envelope of a previous plan: its resources, and each DataDomain's manifest. The manifests themselves are then
// checked as manifests are (limits, JSON Schema), since the contract diff reads all of them.
const previousShape = new Ajv({ allErrors: false }).compile({
  type: "object",
  required: ["resources"],
  properties: {
    resources: {
      type: "array",
      items: {
        type: "object",
        required: ["type"],
        properties: { type: { type: "string" } },
        if: { properties: { type: { const: "lakemesh:domain:DataDomain" } } },
        then: { required: ["inputs"], properties: { inputs: { type: "object", required: ["manifest"], properties: { manifest: { type: "object" } } } } },
      },
    },
  },
});

/** What the rules compare with from an earlier plan.json: the manifests it was made from, and its topics' partitions. */
export interface PreviousPlan {
  readonly manifests: DomainManifest[];
  readonly topics: PreviousTopics;
}

/**
 * The manifests a previous plan.json was made from (its DataDomain inputs), as a base to compare with, and its
 * topics' partitions and replication (for the topic-replacement rule). A file of another shape, or a manifest that is
 * not one (past the loader's limits, or failing the JSON Schema), is refused, located; the rules across domains are
 * not applied (the base is compared with, not deployed).
 */
export function previousPlan(file: string, given = file): PreviousPlan {
  const shown = `--previous ${printable(given)}`;
  const plan = readJson("--previous", file, given, MAX_PREVIOUS_PLAN_BYTES);
  if (!previousShape(plan)) {
    const e = previousShape.errors?.[0];
    throw new PolicyInputError(`${shown}: ${printable(e?.instancePath || "(root)")}: ${printable(e?.message ?? "invalid")}; a plan.json written by lakemesh plan`);
  }
  const resources = (plan as { resources: { type: string; inputs?: { manifest?: unknown; name?: unknown; partitions?: unknown; replicationFactor?: unknown } }[] }).resources;
  // JSON is YAML: each manifest goes through the same loader and schema as a file of domains/.
  const files = resources.flatMap((r, i) => (r.type === "lakemesh:domain:DataDomain" ? [{ file: `/resources/${i}/inputs/manifest`, text: JSON.stringify(r.inputs!.manifest) }] : []));
  if (files.length === 0) throw new PolicyInputError(`${shown}: no DataDomain in this plan; a plan.json written by lakemesh plan`);
  const v = validateMesh(files);
  const broken = v.errors.find((e) => e.rule === "yaml" || e.rule === "schema");
  if (broken) throw new PolicyInputError(`${shown}: ${printable(`${broken.file}: ${broken.path}: ${broken.message}; ${broken.allowed}`)}`);
  // No prototype: topic names are keys.
  const topics: PreviousTopics = Object.create(null);
  for (const r of resources) {
    const t = r.inputs;
    if (r.type === "kafka:index/topic:Topic" && t && typeof t.name === "string" && typeof t.partitions === "number") {
      topics[t.name] = { partitions: t.partitions, replicationFactor: Number(t.replicationFactor) };
    }
  }
  return { manifests: v.manifests.map((m) => m.manifest), topics };
}
