// Account-level objects (governed tags and who may assign them, memberships of account groups) are shared by every
// stack of a Databricks account. One stack's plan cannot see another's, so consistency is checked over the claims
// of every stack file of the project: `lakemesh plan` reads them all and passes them to the policy pack.
import { compileMemberships } from "../compile/platform";
import type { Mesh } from "../compile/model";
import { pipelinesGroup } from "../compile/naming";
import { ownsAccountObjects, type Settings } from "../compile/settings";

/** What one stack file says about its account, and the account-level objects it would manage. */
export interface AccountClaim {
  readonly stack: string;
  readonly env: string;
  readonly accountId: string;
  /** The environment it names as owner of the account-level objects. */
  readonly owner: string;
  /** Whether it creates them (it is the owner environment's platform or single stack). */
  readonly owns: boolean;
  readonly pipelinesGroup: string;
  readonly tagAssigners: readonly string[];
  /** `group <- member` pairs it manages (platform and single stacks). */
  readonly memberships: readonly string[];
}

export function accountClaim(stack: string, s: Settings, mesh: Mesh): AccountClaim {
  return {
    stack,
    env: s.env,
    accountId: s.databricks.accountId,
    owner: s.databricks.accountObjectsOwner,
    owns: ownsAccountObjects(s),
    pipelinesGroup: pipelinesGroup(s),
    tagAssigners: [...(s.databricks.tagAssignerGroups ?? [])],
    memberships: s.mode === "domain" ? [] : compileMemberships(s, mesh).map((m) => `${m.group} <- ${m.member}`),
  };
}

/**
 * Problems across the stacks of each account. Stacks of one environment are alternative layouts of the same
 * objects (single, or platform plus domains), so a conflict is between environments.
 */
export function accountConflicts(claims: readonly AccountClaim[]): string[] {
  const out: string[] = [];
  const accounts = [...new Set(claims.map((c) => c.accountId))].sort();
  for (const id of accounts) {
    const mine = claims.filter((c) => c.accountId === id);
    const owners = [...new Set(mine.map((c) => c.owner))].sort();
    if (owners.length > 1) {
      out.push(`account ${id}: its stacks name ${owners.length} owners of the account-level objects (${owners.map((o) => `${o} by ${mine.filter((c) => c.owner === o).map((c) => c.stack).join(", ")}`).join("; ")}); every stack of an account names the same environment`);
    }
    const owning = [...new Set(mine.filter((c) => c.owns).map((c) => c.env))].sort();
    if (owning.length > 1) out.push(`account ${id}: environments ${owning.join(" and ")} would both create its governed tags`);
    for (const o of owners) {
      if (!mine.some((c) => c.env === o && c.owns)) out.push(`account ${id}: the owner environment ${o} has no platform or single stack file here, so nothing creates the governed tags`);
    }
    const assigners = new Set(mine.filter((c) => c.owns).flatMap((c) => [c.pipelinesGroup, ...c.tagAssigners]));
    for (const c of mine.filter((x) => !x.owns && x.env !== x.owner)) {
      if (owning.length === 1 && !assigners.has(c.pipelinesGroup)) {
        out.push(`account ${id}: ${c.stack}'s pipelines group ${c.pipelinesGroup} may not assign the governed tags; add it to lakemesh:databricks.tagAssignerGroups of environment ${owning[0]}`);
      }
    }
    const byPair = new Map<string, Set<string>>();
    for (const c of mine) for (const m of c.memberships) byPair.set(m, (byPair.get(m) ?? new Set()).add(c.env));
    for (const [m, envs] of byPair) if (envs.size > 1) out.push(`account ${id}: membership ${m} is managed by environments ${[...envs].sort().join(" and ")}; destroying one would remove it from the other`);
  }
  return [...new Set(out)];
}
