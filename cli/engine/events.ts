// Reads the engine events `pulumi preview --json` streams (PULUMI_ENABLE_STREAMING_JSON_PREVIEW=true: one JSON event
// per line, the shape of the engine's apitype.EngineEvent) into what lakemesh preview reports. Pure: no engine here.

/** The engine's wire form of a value unknown during preview (sdk/go/common/resource/plugin: UnknownStringValue). */
export const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface EngineDiagnostic {
  readonly severity: string;
  readonly urn?: string;
  readonly message: string;
}

export interface PolicyEvent {
  readonly policy: string;
  readonly pack: string;
  readonly level: string;
  readonly severity?: string;
  readonly urn?: string;
  readonly message: string;
}

export interface PreviewStep {
  readonly op: string;
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string;
  /** Input paths (a.b[0].c) whose value the engine does not know yet. */
  readonly unknownInputs: readonly string[];
  /** Properties whose change forces a replacement (replace steps). */
  readonly replaceKeys: readonly string[];
  /** Properties that change (update and replace steps). */
  readonly changedKeys: readonly string[];
  /** The engine's per-property diff ({ "partitions": { diffKind: "update-replace" } }), when the provider gives one. */
  readonly detailedDiff?: Readonly<Record<string, { readonly diffKind: string; readonly inputDiff?: boolean }>>;
}

export interface PolicyTally {
  /** Resources (or 1 for the stack) the rule passed on. */
  passed: number;
  /** Resources (or 1 for the stack) the rule reported on. */
  failed: number;
}

export interface PreviewEvents {
  /** summaryEvent.result ("succeeded", "failed"), or undefined when the engine stopped before its summary. */
  readonly result?: string;
  readonly changes: Readonly<Record<string, number>>;
  readonly steps: readonly PreviewStep[];
  /** Every diagnostic but debug output, in order. */
  readonly diagnostics: readonly EngineDiagnostic[];
  readonly policyEvents: readonly PolicyEvent[];
  readonly tallies: Readonly<Record<string, PolicyTally>>;
  /** Policy packs that ran: name -> version. */
  readonly packs: Readonly<Record<string, string>>;
}

/** Paths of a value's leaves that are the unknown sentinel. The engine's own `__defaults` bookkeeping is skipped. */
export function unknownPaths(v: unknown, at = ""): string[] {
  if (v === UNKNOWN_SENTINEL) return [at];
  if (Array.isArray(v)) return v.flatMap((x, i) => unknownPaths(x, `${at}[${i}]`));
  if (v && typeof v === "object") {
    return Object.keys(v)
      .filter((k) => k !== "__defaults")
      .sort()
      .flatMap((k) => unknownPaths((v as Record<string, unknown>)[k], at ? `${at}.${k}` : k));
  }
  return [];
}

const nameOf = (urn: string) => urn.split("::").pop() ?? urn;
const REPLACEMENT = new Set(["create-replacement", "replace", "delete-replaced"]);

/** Parses the streamed events; lines that are not JSON events (a crash message) are kept as error diagnostics. */
export function readPreviewEvents(stdout: string): PreviewEvents {
  let result: string | undefined;
  let changes: Record<string, number> = {};
  const steps = new Map<string, PreviewStep>();
  const diagnostics: EngineDiagnostic[] = [];
  const policyEvents: PolicyEvent[] = [];
  const tallies: Record<string, PolicyTally> = {};
  const packs: Record<string, string> = {};
  const tally = (names: readonly string[] | undefined, key: keyof PolicyTally) => {
    for (const n of names ?? []) (tallies[n] ??= { passed: 0, failed: 0 })[key]++;
  };
  for (const line of stdout.split("\n")) {
    if (!line.trim()) continue;
    let e: Record<string, any>;
    try {
      e = JSON.parse(line);
    } catch {
      diagnostics.push({ severity: "error", message: line });
      continue;
    }
    if (e.diagnosticEvent) {
      const d = e.diagnosticEvent;
      if (d.severity === "debug") continue;
      diagnostics.push({ severity: d.severity, ...(d.urn ? { urn: d.urn } : {}), message: String(d.message ?? "").trimEnd() });
    } else if (e.resourcePreEvent) {
      const m = e.resourcePreEvent.metadata;
      const state = m.new ?? m.old ?? {};
      // A replacement is announced as create-replacement, then replace, then delete-replaced: it is one "replace"
      // step, unless the engine stopped after the first (it refuses to replace a protected resource).
      const before = steps.get(m.urn)?.op;
      steps.set(m.urn, {
        op: before && REPLACEMENT.has(before) && REPLACEMENT.has(m.op) ? "replace" : m.op,
        urn: m.urn,
        type: m.type,
        name: nameOf(m.urn),
        parent: state.parent ?? "",
        unknownInputs: unknownPaths(m.new?.inputs ?? {}),
        replaceKeys: [...(m.keys ?? [])].sort(),
        changedKeys: [...(m.diffs ?? [])].sort(),
        ...(m.detailedDiff ? { detailedDiff: m.detailedDiff } : {}),
      });
    } else if (e.policyEvent) {
      const p = e.policyEvent;
      policyEvents.push({
        policy: p.policyName,
        pack: p.policyPackName,
        level: p.enforcementLevel,
        ...(p.severity ? { severity: p.severity } : {}),
        ...(p.resourceUrn ? { urn: p.resourceUrn } : {}),
        message: String(p.message ?? "").trimEnd(),
      });
    } else if (e.policyAnalyzeSummaryEvent || e.policyAnalyzeStackSummaryEvent) {
      const s = e.policyAnalyzeSummaryEvent ?? e.policyAnalyzeStackSummaryEvent;
      packs[s.policyPackName] = s.policyPackVersion;
      tally(s.passed, "passed");
      tally(s.failed, "failed");
    } else if (e.summaryEvent) {
      result = e.summaryEvent.result;
      changes = { ...(e.summaryEvent.resourceChanges ?? {}) };
    }
  }
  return { result, changes, steps: [...steps.values()].sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0)), diagnostics, policyEvents, tallies, packs };
}
