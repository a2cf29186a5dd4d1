import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import type { GovernanceObjectSpec, PlatformSpec, Settings } from "../../lib/compile";
import { SqlObject } from "../governance/SqlObject";
import { toGrants } from "../options";
import type { Catalog } from "./catalog";

/** Governance functions and tables through the SQL dynamic provider, and their grants. */
export function createGovernanceObjects(
  s: Settings,
  spec: PlatformSpec,
  objects: readonly GovernanceObjectSpec[],
  catalog: Catalog,
  parent: pulumi.Resource,
): Record<string, SqlObject> {
  const out: Record<string, SqlObject> = {};
  const tableResources: SqlObject[] = [];
  const functionResources: SqlObject[] = [];
  for (const o of objects) {
    // Functions read tenant_principals, and the rows need their table: create tables first. Rows come after the
    // functions too (the GDPR control table declares the tenant filter and a mask).
    const dependsOn = o.kind === "table" ? [catalog.governanceSchema] : [catalog.governanceSchema, ...tableResources, ...(o.kind === "rows" ? functionResources : [])];
    // Tables hold data; dropping the filter or a mask function makes every table that declares it fail closed. Both
    // are protected and kept in production. Row sets are rewritten on every change anyway.
    const keep = o.kind !== "rows" && spec.protect;
    const r = new SqlObject(o.resourceName, { spec: o, host: s.databricks.host, warehouseId: catalog.warehouse.id }, { parent, dependsOn, protect: keep, retainOnDelete: keep });
    if (o.kind === "table") tableResources.push(r);
    if (o.kind === "function") functionResources.push(r);
    out[o.name] = r;
  }
  for (const o of objects.filter((x) => x.kind === "function")) {
    new databricks.Grants(`${o.resourceName}-grants`, { function: o.name, grants: toGrants(spec.functionGrants) }, { parent: out[o.name] });
  }
  // Tables, and row sets that are tables of their own (the GDPR control table; not the registry's rows, "#rows").
  for (const o of objects.filter((x) => x.kind === "table" || (x.kind === "rows" && spec.tableGrants[x.name.split(".").pop()!]))) {
    const short = o.name.split(".").pop()!;
    new databricks.Grants(`${o.resourceName}-grants`, { table: o.name, grants: toGrants(spec.tableGrants[short]) }, { parent: out[o.name] });
  }
  return out;
}
