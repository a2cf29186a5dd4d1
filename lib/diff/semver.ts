// The semver bump a set of changes needs, and the one a manifest made (semver.org 2.0.0: incompatible changes
// bump MAJOR, backward-compatible additions MINOR, fixes PATCH).
import { parseSemver } from "../manifest";
import type { Bump, Change } from "./types";

const RANK: Readonly<Record<Bump, number>> = { none: 0, patch: 1, minor: 2, major: 3 };

/**
 * The bump `changes` need. A contract that was not published (draft) promised nothing, so a breaking change to it
 * needs only a minor bump (semver: "anything may change" before a stable public API).
 */
export function requiredBump(changes: readonly Change[], published: boolean): Bump {
  let need: Bump = "none";
  for (const c of changes) {
    const b: Bump = c.class === "breaking" ? (published ? "major" : "minor") : c.class === "compatible" ? "minor" : "patch";
    if (RANK[b] > RANK[need]) need = b;
  }
  return need;
}

/** The bump from `base` to `head`; `backwards` when head is lower; `none` when equal or either is not semver. */
export function madeBump(base: string, head: string): Bump | "backwards" {
  const [b, h] = [parseSemver(base), parseSemver(head)];
  if (!b || !h) return "none";
  const cmp = h.major - b.major || h.minor - b.minor || h.patch - b.patch;
  if (cmp < 0) return "backwards";
  if (h.major > b.major) return "major";
  if (h.minor > b.minor) return "minor";
  return h.patch > b.patch ? "patch" : "none";
}

export function bumpCovers(made: Bump | "backwards", needed: Bump): boolean {
  if (needed === "none") return true;
  return made !== "backwards" && RANK[made] >= RANK[needed];
}
