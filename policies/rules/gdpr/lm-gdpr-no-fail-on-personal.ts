import type { StackValidationPolicy } from "@pulumi/policy";
import { EXPECTATION_VIOLATION_DOC } from "../../../lib/manifest/rules/expectation-actions";
import { contractsOf, ruleId } from "../../lib";

/**
 * Defense in depth behind the manifest rule `expectation-actions`, over what the pipelines really run: a `fail`
 * expectation stops the update with EXPECTATION_VIOLATION, whose message holds the input data and the whole output
 * record; it lands in the pipeline event log and failure mails, where erasure never reaches. Personal data reaches a
 * table's flow through its own personal columns or through an upstream table with personal columns (a silver table
 * reads its bronze table's raw payload; a gold view reads its sources).
 */
export const policy: StackValidationPolicy = {
  name: ruleId(__filename),
  description: `No pipeline table that personal data reaches (its own personal columns or an upstream table's) has a fail expectation: the failure message holds the offending record (${EXPECTATION_VIOLATION_DOC}).`,
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Use onViolation: drop (or warn) for the expectation in the domain manifest and plan again; do not edit contract.json.",
  configSchema: { properties: {} },
  validateStack: (args, report) => {
    const contracts = contractsOf(args.resources, policy.name);
    const personal = new Map<string, string[]>();
    for (const { contract } of contracts) {
      for (const ds of contract.datasets) personal.set(ds.table, ds.columns.filter((c) => c.personalData).map((c) => c.name));
    }
    for (const { resource, contract } of contracts) {
      for (const ds of contract.datasets) {
        const own = personal.get(ds.table) ?? [];
        const upstream = ds.upstream.find((u) => (personal.get(u) ?? []).length > 0);
        const why = own.length ? `personal columns ${own.join(", ")}` : upstream ? `upstream ${upstream} has personal columns ${personal.get(upstream)!.join(", ")}` : undefined;
        if (!why) continue;
        for (const e of ds.expectations.filter((x) => x.action === "fail")) {
          report(`${ds.table} (${why}) fails its update on expectation ${e.name}: the failure message would put the offending record into the event log and failure mails; use drop or warn`, resource.urn);
        }
      }
    }
  },
};
