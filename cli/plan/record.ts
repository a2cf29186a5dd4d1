import * as pulumi from "@pulumi/pulumi";
import { PLAN_UNKNOWN, type HarnessResource } from "../../policies/harness";

/**
 * One registration, as the engine would see it: what the policy harness takes, plus whether it is a custom resource.
 * Inputs are normalized: secrets and references are marked.
 */
export interface PlannedResource extends HarnessResource {
  readonly custom: boolean;
}

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE = "5cf8f73096256a8f31e491e813e4eb8e";
const ASSET = "c44067f5952c0a294b673a41bacd8c17";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Marker of a secret input in the plan; its value is never written. */
export const SECRET_MARKER = { "@secret": "[redacted]" } as const;

export function isSecret(v: unknown): boolean {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)["@secret"] === "[redacted]";
}

/** Turns the wire form of inputs into plain JSON with secrets redacted and resource references as URNs. */
export function normalize(v: unknown): unknown {
  if (v === UNKNOWN) return PLAN_UNKNOWN;
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o[SIG] === SECRET) return { ...SECRET_MARKER };
    if (o[SIG] === RESOURCE) return { "@resource": o.urn };
    if (o[SIG] === ASSET) return { "@asset": o.path ?? o.uri ?? "(text)" };
    return Object.fromEntries(Object.keys(o).sort().map((k) => [k, normalize(o[k])]));
  }
  return v;
}

type Callback = (err: unknown, resp: unknown) => void;

/** Per input, the sorted URNs its value came from (inputs without any are left out). */
function propertyDependencies(req: any): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const map = req.getPropertydependenciesMap();
  for (const [key, deps] of map?.entries() ?? []) {
    const urns = [...new Set<string>(deps.getUrnsList())].sort();
    if (urns.length > 0) out[key] = urns;
  }
  return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
}

/**
 * Records every registration the program makes under mocks (call after setMocks, before running the program).
 * The returned list fills in as registrations complete; await settle() before reading it.
 */
export function recordRegistrations(): PlannedResource[] {
  const recorded: PlannedResource[] = [];
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: any, cb: Callback): void;
    readResource(req: any, cb: Callback): void;
    registerResourceOutputs(req: any, cb: Callback): void;
  };
  // A component's registered outputs replace its inputs in what the engine gives STACK policies (resource policies get
  // the inputs, policies/harness.ts stackPolicyProps): keep them per URN.
  const componentOutputs = new Map<string, Record<string, unknown>>();
  const withOutputs = (r: PlannedResource): PlannedResource => (!r.custom && componentOutputs.has(r.urn) ? { ...r, outputs: componentOutputs.get(r.urn) } : r);
  const originalOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req: any, cb: Callback) => {
    const urn = String(req.getUrn());
    if (!urn.includes("::pulumi:pulumi:Stack::")) {
      componentOutputs.set(urn, normalize(req.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>);
      const i = recorded.findIndex((r) => r.urn === urn);
      if (i >= 0) recorded[i] = withOutputs(recorded[i]);
    }
    originalOutputs(req, cb);
  };
  // Reads (a StackReference, Resource.get) are recorded too, so the plan shows what a stack depends on.
  const originalRead = monitor.readResource.bind(monitor);
  monitor.readResource = (req: any, cb: Callback) => {
    originalRead(req, (err, resp: any) => {
      if (!err && resp) {
        recorded.push({
          urn: resp.getUrn(),
          type: req.getType(),
          name: req.getName(),
          custom: true,
          parent: req.getParent(),
          dependsOn: [...req.getDependenciesList()].sort(),
          protect: false,
          retainOnDelete: false,
          provider: String(req.getProvider() ?? "").replace(/::[^:]*$/, ""),
          inputs: { ...(normalize(req.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>), "@read": req.getId() },
        });
      }
      cb(err, resp);
    });
  };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, cb: Callback) => {
    original(req, (err, resp: any) => {
      if (!err && resp) {
        recorded.push(withOutputs({
          urn: resp.getUrn(),
          type: req.getType(),
          name: req.getName(),
          custom: req.getCustom(),
          parent: req.getParent(),
          dependsOn: [...req.getDependenciesList()].sort(),
          protect: !!req.getProtect(),
          retainOnDelete: !!req.getRetainondelete(),
          provider: String(req.getProvider() ?? "").replace(/::[^:]*$/, ""),
          inputs: normalize(req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>,
          propertyDependencies: propertyDependencies(req),
        }));
      }
      cb(err, resp);
    });
  };
  return recorded;
}

/**
 * Makes the mock monitor name resources as the engine does. The SDK's MockMonitor keeps only the parent's own type
 * (`Gdpr$Job`) and includes the root stack's (`pulumi:pulumi:Stack$DataDomain`); the engine qualifies a child with its
 * parent's whole type chain and leaves the root stack out (`Platform$Gdpr$Job`, `DataDomain`), which is what the
 * real preview showed (test/engine/preview-stacks.test.ts compares the two).
 */
export function useEngineUrns(): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as { newUrn(parent: string, type: string, name: string): string };
  monitor.newUrn = (parent: string, type: string, name: string) => {
    const parentType = parent ? parent.split("::")[2] : "";
    const qualified = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
    return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${qualified}::${name}`;
  };
}

/** Records the outputs the program's root stack registers (its exports), into `into`. */
export function recordStackOutputs(into: Record<string, unknown>): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResourceOutputs(req: any, cb: Callback): void };
  const original = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req: any, cb: Callback) => {
    if (String(req.getUrn()).includes("::pulumi:pulumi:Stack::")) Object.assign(into, normalize(req.getOutputs()?.toJavaScript() ?? {}));
    original(req, cb);
  };
}

/** Waits until every pending registration has been answered. */
export async function settle(): Promise<void> {
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
}
