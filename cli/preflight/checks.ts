// One check per kind of prerequisite, against the workspace's REST APIs. Each says what it found, so a failure
// names what to set up.
import { functionSemantics, levelAtLeast, type Prerequisite } from "../../lib/access";
import { aclPrincipal, isApplicationId, platformPhysicalNames, type Settings } from "../../lib/compile";
import { DatabricksApiError } from "../databricks/rest";
import type { Workspace } from "./workspace";

export interface PreflightResult {
  readonly id: string;
  readonly what: string;
  readonly providedBy: string;
  readonly ok: boolean;
  readonly detail: string;
}

type Outcome = [ok: boolean, detail: string];

/** Whether the caller holds `role` in an account rule set. */
async function holdsRole(w: Workspace, ruleSet: string, role: string): Promise<Outcome> {
  const me = await w.me();
  const rule = (await w.ruleSet(ruleSet)).find((r) => r.role === role && (r.principals ?? []).some((p) => me.principals.has(p)));
  return rule ? [true, `${me.name} holds ${role}`] : [false, `${me.name} does not hold ${role} in ${ruleSet} (account admins are not listed there: grant the role explicitly)`];
}

async function check(w: Workspace, s: Settings, p: Prerequisite): Promise<Outcome> {
  const f = p.fact;
  switch (f.kind) {
    case "exists":
      if (isApplicationId(f.principal)) {
        const sp = await w.servicePrincipal(f.principal);
        return sp ? [true, `service principal found (id ${sp.id})`] : [false, `no service principal with application id ${f.principal} in the workspace; add it to the account and assign it to the workspace`];
      }
      return (await w.group(f.principal)) ? [true, "group found"] : [false, `no group ${f.principal} in the workspace; create the account group and assign it to the workspace`];
    case "role": {
      if (f.role === "servicePrincipal.user") return holdsRole(w, `accounts/${w.accountId}/servicePrincipals/${f.on}/ruleSets/default`, "roles/servicePrincipal.user");
      if (f.role === "group.manager") {
        const g = await w.group(f.on);
        if (!g) return [false, `no group ${f.on} in the workspace`];
        return holdsRole(w, `accounts/${w.accountId}/groups/${g.id}/ruleSets/default`, "roles/group.manager");
      }
      // Workspace admins may create governed tags by default; anyone else needs the creator role on the account.
      if ((await w.me()).admin) return [true, "workspace admin: CREATE on governed tags by default"];
      return holdsRole(w, `accounts/${w.accountId}/ruleSets/default`, "roles/tagPolicy.creator");
    }
    case "governed-tag": {
      const t = await w.tagPolicy(f.tagKey);
      if (!t) return [false, `governed tag ${f.tagKey} does not exist; deploy the owning environment's platform stack first`];
      const allowed = (t.values ?? []).map((v) => v.name);
      // A governed tag without values is key-only: no value may be assigned.
      const missing = f.values.filter((v) => !allowed.includes(v));
      return missing.length === 0 ? [true, `governed tag ${f.tagKey} allows ${f.values.join(", ") || "its key"}`] : [false, `governed tag ${f.tagKey} does not allow ${missing.join(", ")}; deploy the owning environment's platform stack with the current manifests`];
    }
    case "tag-assign": {
      const t = await w.tagPolicy(f.tagKey);
      if (!t) return [false, `governed tag ${f.tagKey} does not exist`];
      const rules = await w.ruleSet(`accounts/${w.accountId}/tagPolicies/${t.id}/ruleSets/default`);
      const ok = rules.some((r) => (r.role === "roles/tagPolicy.assigner" || r.role === "roles/tagPolicy.manager") && (r.principals ?? []).includes(aclPrincipal(f.principal)));
      return ok ? [true, `${f.principal} may assign ${f.tagKey}`] : [false, `${f.principal} has no ASSIGN on governed tag ${f.tagKey}; list it in lakemesh:databricks.tagAssignerGroups of the owning environment`];
    }
    case "uc": {
      const held = await w.effectivePrivileges(f.securable.kind, f.securable.name, f.principal);
      const ok = held.includes(f.privilege) || (f.privilege !== "MANAGE" && held.includes("ALL_PRIVILEGES"));
      return ok ? [true, `${f.principal} holds ${f.privilege}`] : [false, `${f.principal} holds ${held.join(", ") || "nothing"} on ${f.securable.name}; deploy the stack that grants ${f.privilege}`];
    }
    case "acl": {
      if (f.object.kind === "secret-scope") {
        const level = await w.secretAcl(f.object.id, f.principal);
        return level && levelAtLeast("secret-scope", level, f.level) ? [true, `${f.principal} holds ${level}`] : [false, `${f.principal} holds ${level ?? "no ACL"} on secret scope ${f.object.id} (or the scope does not exist)`];
      }
      if (f.object.kind === "warehouse" && f.object.id === "platform") {
        const id = await w.warehouseId(platformPhysicalNames(s).warehouse);
        if (!id) return [false, `no SQL warehouse named ${platformPhysicalNames(s).warehouse}; deploy the platform stack first`];
        const levels = (await w.permissions(`sql/warehouses/${id}`)).get(f.principal) ?? [];
        return levels.some((l) => levelAtLeast("warehouse", l, f.level)) ? [true, `${f.principal} holds ${levels.join(", ")}`] : [false, `${f.principal} may not use warehouse ${id}`];
      }
      return [false, `no check for ${f.object.kind} ${f.object.id}`];
    }
    case "member": {
      const sp = await w.servicePrincipal(f.principal);
      return sp?.groups.includes(f.group) ? [true, `member of ${f.group}`] : [false, `${f.principal} is not a member of ${f.group}; deploy the platform stack first`];
    }
    case "function": {
      const def = await w.functionDefinition(f.name);
      if (def === undefined) return [false, `function ${f.name} does not exist; deploy the platform stack first`];
      const [want, got] = [functionSemantics(f.name, f.sql).revealsTo, functionSemantics(f.name, def).revealsTo];
      return JSON.stringify(want) === JSON.stringify(got) ? [true, `reveals to ${got.join(", ")}`] : [false, `reveals to ${got.join(", ") || "nobody"}, expected ${want.join(", ")}`];
    }
    case "kafka":
      return [false, "Kafka ACLs are not checked here"];
  }
}

/** Checks every prerequisite; a refused call is a failed check with the API's answer (never the token). */
export async function checkPrerequisites(w: Workspace, s: Settings, prerequisites: readonly Prerequisite[]): Promise<PreflightResult[]> {
  const out: PreflightResult[] = [];
  for (const p of prerequisites) {
    let r: Outcome;
    try {
      r = await check(w, s, p);
    } catch (e) {
      if (!(e instanceof DatabricksApiError)) throw e;
      r = [false, e.message];
    }
    out.push({ id: p.id, what: p.what, providedBy: p.providedBy, ok: r[0], detail: r[1] });
  }
  return out;
}
