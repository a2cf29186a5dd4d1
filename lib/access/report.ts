// The two tables of the access model, computed from a plan: workload x action (needs, holds, how) and
// persona x dataset (rows, personal columns).
import { planFacts } from "./facts";
import { Holdings } from "./holds";
import { domainActions } from "./needs-domain";
import { platformActions } from "./needs-platform";
import { identitiesOf, type AccessResource } from "./plan";
import { needText, type Action, type ActionRow, type Prerequisite, type VisibilityRow } from "./types";
import { visibility } from "./visibility";

export interface AccessReport {
  readonly actions: readonly ActionRow[];
  readonly visibility: readonly VisibilityRow[];
  readonly prerequisites: readonly Prerequisite[];
}

/** Evaluates each action's needs against what the plan (and its listed prerequisites) grants. */
export function evaluate(actions: readonly Action[], h: Holdings): ActionRow[] {
  return actions.map((a) => {
    const how: string[] = [];
    const missing: string[] = [];
    for (const n of a.needs) {
      const via = h.check(a.principal, n);
      if (via) how.push(...via);
      else missing.push(needText(n));
    }
    return { ...a, needsText: [...new Set(a.needs.map(needText))].join("; "), held: missing.length === 0, how: [...new Set(how)], missing };
  });
}

export function accessReport(resources: readonly AccessResource[]): AccessReport {
  const h = new Holdings(planFacts(resources));
  return {
    actions: evaluate([...domainActions(resources, h), ...platformActions(resources, h)], h),
    visibility: visibility(resources, h),
    prerequisites: identitiesOf(resources)?.prerequisites ?? [],
  };
}
