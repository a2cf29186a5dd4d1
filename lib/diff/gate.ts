// Which consumers a dataset's breaking changes reach, whether each has moved, and why the dataset fails the gate.
import { parseDuration } from "../manifest";
import type { AffectedConsumer, Bump, Change, Consumer } from "./types";

/** Changes that end reading altogether: only ceasing to read counts as moving. */
const ENDS_READING = new Set(["dataset-retired", "dataset-removed", "dataset-unpublished"]);

function reaches(c: Change, r: Consumer, headRetention: string | undefined): boolean {
  if (c.kind === "retention-below-need") {
    const have = headRetention ? parseDuration(headRetention) ?? Infinity : Infinity;
    return r.retentionNeeded !== undefined && (parseDuration(r.retentionNeeded) ?? 0) > have;
  }
  if (c.columns === undefined || r.columns === undefined) return c.columns === undefined || c.columns.length > 0;
  return c.columns.some((col) => r.columns!.includes(col));
}

/**
 * Consumers reached by the breaking changes, one entry each. A gated consumer has moved when it accepts the new
 * major (which must be above the base's); for a retirement or removal only ceasing to read counts.
 */
export function affectedConsumers(
  breaking: readonly Change[],
  readers: readonly Consumer[],
  majors: { readonly base: number | undefined; readonly head: number | undefined },
  headRetention: string | undefined,
): AffectedConsumer[] {
  const out: AffectedConsumer[] = [];
  for (const r of readers) {
    const hits = breaking.filter((c) => reaches(c, r, headRetention));
    if (hits.length === 0) continue;
    const what = [...new Set(hits.map((c) => c.subject ?? c.kind))].join(", ");
    if (r.role === "informed") {
      out.push({ consumer: r, status: "informed", why: `reads what changed (${what})` });
      continue;
    }
    const ends = hits.some((c) => ENDS_READING.has(c.kind));
    const bumped = majors.head !== undefined && majors.base !== undefined && majors.head > majors.base;
    if (!ends && bumped && r.acceptedMajor !== undefined && r.acceptedMajor >= majors.head!) {
      out.push({ consumer: r, status: "moved", why: `accepts major ${r.acceptedMajor}` });
    } else {
      const why = ends
        ? `still reads it (${what}); it must stop reading first`
        : bumped
          ? `has not accepted major ${majors.head} (${what})${r.acceptedMajor !== undefined ? `; accepts ${r.acceptedMajor}` : ""}`
          : `would break (${what}); there is no new major to move to`;
      out.push({ consumer: r, status: "pending", why });
    }
  }
  return out.sort((a, b) => (a.consumer.kind + a.consumer.id < b.consumer.kind + b.consumer.id ? -1 : 1));
}

/** Why a dataset fails the gate: a breaking change to a published contract without its major bump, or consumers left behind. */
export function gateFailures(
  breaking: readonly Change[],
  published: boolean,
  required: Bump,
  made: Bump | "backwards",
  versions: { readonly base: string | null; readonly head: string | null },
  affected: readonly AffectedConsumer[],
): string[] {
  const out: string[] = [];
  if (published && versions.head === null) out.push(`a published contract was removed (${versions.base}): retire it first (deprecated -> retired), then remove it`);
  if (breaking.length > 0 && published && required === "major" && made !== "major" && versions.head !== null) {
    out.push(`breaking change without a major version bump (${versions.base} -> ${versions.head}): ${breaking.map((c) => c.subject ?? c.kind).join(", ")}`);
  }
  const pending = affected.filter((a) => a.status === "pending");
  if (pending.length > 0) out.push(`${pending.length} consumer(s) have not moved: ${pending.map((a) => `${a.consumer.kind} ${a.consumer.id}`).join(", ")}`);
  return out;
}
