import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import { compileSaltFingerprintRow, saltFingerprint, saltFingerprintRowHead, type GovernanceObjectSpec, type PlatformSpec, type Settings } from "../../lib/compile";
import { SqlObject } from "../governance/SqlObject";
import { qualifiedName } from "../../lib/sql";
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
  const functionResources: { name: string; resource: SqlObject }[] = [];
  for (const o of objects) {
    // Functions read tenant_principals, and the rows need their table: create tables first. A table that declares a
    // row filter (the GDPR request inbox) comes after the function in `objects` and waits for it; rows (the GDPR
    // control table's) come after every function (the control table declares the tenant filter and a mask).
    const uses = functionResources.filter((f) => o.kind === "table" && o.create.some((x) => x.sql.includes(qualifiedName(f.name)))).map((f) => f.resource);
    const dependsOn = o.kind === "table" ? [catalog.governanceSchema, ...uses] : [catalog.governanceSchema, ...tableResources, ...(o.kind === "rows" ? functionResources.map((f) => f.resource) : [])];
    // Tables hold data; dropping the filter or a mask function makes every table that declares it fail closed. Both
    // are protected and kept in production. Row sets are rewritten on every change anyway.
    const keep = o.kind !== "rows" && spec.protect;
    const r = new SqlObject(o.resourceName, { spec: o, host: s.databricks.host, warehouseId: catalog.warehouse.id }, { parent, dependsOn, protect: keep, retainOnDelete: keep });
    if (o.kind === "table") tableResources.push(r);
    if (o.kind === "function") functionResources.push({ name: o.name, resource: r });
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

/**
 * The salt fingerprint's row (lib/compile/salt-fingerprint.ts), after its table. Computed from the salt inside an
 * apply of the secret Output, so neither the salt nor the statement is ever a plain input; the values are bound
 * parameters of the statement.
 */
export function createSaltFingerprintRow(s: Settings, salt: pulumi.Input<string>, table: SqlObject, catalog: Catalog, parent: pulumi.Resource): SqlObject {
  const create = pulumi.secret(salt).apply((v) => compileSaltFingerprintRow(s, saltFingerprint(v)).create);
  return new SqlObject(
    saltFingerprintRowHead(s).resourceName,
    { spec: { ...saltFingerprintRowHead(s), create: [], drop: [] }, secretCreate: create, host: s.databricks.host, warehouseId: catalog.warehouse.id },
    { parent, dependsOn: [catalog.governanceSchema, table] },
  );
}
