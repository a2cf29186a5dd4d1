// The plan command's policy inputs from files (--policy-config, --previous): read as regular files of bounded
// size, checked for shape before any rule sees them, and kept on objects without a prototype.
import Ajv from "ajv";
import type { PolicyPackConfig } from "../../policies/harness";
import { allRules } from "../../policies/rules";
import type { PreviousContracts } from "../../policies/rules/manifest/lm-breaking-change-needs-major";
import { readRegularFile, UnreadableFileError } from "../../lib/read-file";
import { printable } from "../../lib/text";

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

// What the breaking-change rule reads of a previous plan: each DataDomain's manifest name, datasets, contracts and
// column names. Older plans need not satisfy today's full manifest schema, only this.
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
        then: {
          required: ["inputs"],
          properties: {
            inputs: {
              type: "object",
              required: ["manifest"],
              properties: {
                manifest: {
                  type: "object",
                  required: ["metadata", "spec"],
                  properties: {
                    metadata: { type: "object", required: ["name"], properties: { name: { type: "string", pattern: "^[a-z][a-z0-9]*(-[a-z0-9]+)*$", maxLength: 40 } } },
                    spec: {
                      type: "object",
                      required: ["datasets"],
                      properties: {
                        datasets: {
                          type: "array",
                          maxItems: 1000,
                          items: {
                            type: "object",
                            required: ["name", "contract", "columns"],
                            properties: {
                              name: { type: "string", pattern: "^[a-z][a-z0-9_]*$", maxLength: 63 },
                              contract: { type: "object", required: ["version", "lifecycle"], properties: { version: { type: "string", maxLength: 64 }, lifecycle: { type: "string", maxLength: 20 } } },
                              columns: { type: "array", maxItems: 1000, items: { type: "object", required: ["name"], properties: { name: { type: "string", pattern: "^[a-z][a-z0-9_]*$", maxLength: 63 } } } },
                            },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
});

interface PreviousDomain {
  metadata: { name: string };
  spec: { datasets: { name: string; contract: { version: string; lifecycle: string }; columns: { name: string }[] }[] };
}

/** Contracts of a previous plan.json, for the breaking-change rule. A file of another shape is refused, located. */
export function previousContracts(file: string | undefined, given = file): PreviousContracts | undefined {
  if (!file) return undefined;
  const shown = `--previous ${printable(given!)}`;
  const plan = readJson("--previous", file, given!, MAX_PREVIOUS_PLAN_BYTES);
  if (!previousShape(plan)) {
    const e = previousShape.errors?.[0];
    throw new PolicyInputError(`${shown}: ${printable(e?.instancePath || "(root)")}: ${printable(e?.message ?? "invalid")}; a plan.json written by lakemesh plan`);
  }
  const out: PreviousContracts = Object.create(null);
  for (const r of (plan as { resources: { type: string; inputs?: { manifest?: PreviousDomain } }[] }).resources) {
    const m = r.type === "lakemesh:domain:DataDomain" ? r.inputs!.manifest! : undefined;
    if (!m) continue;
    const datasets: PreviousContracts[string] = Object.create(null);
    for (const d of m.spec.datasets) datasets[d.name] = { version: d.contract.version, lifecycle: d.contract.lifecycle, columns: d.columns.map((c) => c.name) };
    out[m.metadata.name] = datasets;
  }
  return out;
}
