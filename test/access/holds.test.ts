import { compileGovernanceObjects } from "../../lib/compile";
import { stackSettings } from "../helpers/settings";
import { configuredScopes, functionSemantics, Holdings, revealNeed, rowFilterFunction, sqlGrants, type HeldFact, type Need } from "../../lib/access";

const uc = (principal: string, kind: "catalog" | "schema" | "table", name: string, privilege: string): HeldFact => ({ kind: "uc", principal, securable: { kind, name }, privilege, via: `${kind}-grants` });
const need = (kind: "catalog" | "schema" | "table", name: string, privilege: string): Need => ({ kind: "uc", securable: { kind, name }, privilege });

describe("Unity Catalog privileges in the model", () => {
  const h = new Holdings([
    uc("g", "catalog", "c", "USE_CATALOG"),
    uc("g", "schema", "c.s", "SELECT"),
    uc("admins", "catalog", "c", "ALL_PRIVILEGES"),
    uc("owner", "schema", "c.o", "OWNER"),
    uc("browser", "catalog", "c", "BROWSE"),
    { kind: "member", principal: "sp", group: "g", via: "member-g-sp" },
  ]);
  it.each([
    ["a direct grant", "g", need("catalog", "c", "USE_CATALOG"), ["catalog-grants"]],
    ["a schema grant, inherited by its tables", "g", need("table", "c.s.t", "SELECT"), ["schema-grants"]],
    ["a grant to a group the principal is in", "sp", need("table", "c.s.t", "SELECT"), ["schema-grants + member-g-sp"]],
    ["not a privilege of another schema", "g", need("table", "c.x.t", "SELECT"), undefined],
    ["never USE CATALOG through a schema", "g", need("catalog", "c", "USE_SCHEMA"), undefined],
    ["ALL PRIVILEGES, inherited", "admins", need("table", "c.s.t", "MODIFY"), ["catalog-grants"]],
    ["but ALL PRIVILEGES is not MANAGE", "admins", need("table", "c.s.t", "MANAGE"), undefined],
    ["an owner holds every privilege on its object", "owner", need("schema", "c.o", "MANAGE"), ["schema-grants"]],
    ["and MANAGE on what is inside", "owner", need("table", "c.o.t", "MANAGE"), ["schema-grants"]],
    ["but not SELECT on what is inside", "owner", need("table", "c.o.t", "SELECT"), undefined],
    ["BROWSE, inherited from the catalog", "browser", need("schema", "c.s", "BROWSE"), ["catalog-grants"]],
  ] as const)("%s", (_what, principal, n, expected) => {
    expect(h.check(principal, n)).toEqual(expected);
  });
});

describe("workspace ACLs, Kafka ACLs and governed tags in the model", () => {
  const h = new Holdings([
    { kind: "acl", principal: "sp", object: { kind: "pipeline", id: "p1" }, level: "CAN_RUN", via: "p1-permissions" },
    { kind: "acl", principal: "sp", object: { kind: "directory", id: "/lakemesh/prod" }, level: "CAN_READ", via: "folder-permissions" },
    { kind: "acl", principal: "g", object: { kind: "secret-scope", id: "scope" }, level: "READ", via: "secret-acl" },
    { kind: "member", principal: "sp", group: "g", via: "member" },
    { kind: "kafka", principal: "User:p", resourceType: "Topic", name: "d.", patternType: "Prefixed", operation: "Read", via: "acl-read" },
    { kind: "governed-tag", tagKey: "pii", values: ["email"], via: "tag-policy-pii" },
    { kind: "tag-assign", principal: "g", tagKey: "pii", via: "tag-rules" },
  ]);
  it.each([
    ["CAN_RUN starts a pipeline", { kind: "acl", object: { kind: "pipeline", id: "p1" }, level: "CAN_RUN" }, ["p1-permissions"]],
    ["CAN_RUN is not CAN_MANAGE", { kind: "acl", object: { kind: "pipeline", id: "p1" }, level: "CAN_MANAGE" }, undefined],
    ["a folder's ACL covers the files in it", { kind: "acl", object: { kind: "file", id: "/lakemesh/prod/d/governance.sql" }, level: "CAN_READ" }, ["folder-permissions"]],
    ["but not a sibling folder's", { kind: "acl", object: { kind: "file", id: "/lakemesh/prodx/f" }, level: "CAN_READ" }, undefined],
    ["every user may read Workspace > Shared", { kind: "acl", object: { kind: "file", id: "/Shared/x/f.py" }, level: "CAN_READ" }, ["Workspace > Shared: all users have CAN MANAGE"]],
    ["a secret ACL to a group", { kind: "acl", object: { kind: "secret-scope", id: "scope" }, level: "READ" }, ["secret-acl + member"]],
    ["READ is not MANAGE on a scope", { kind: "acl", object: { kind: "secret-scope", id: "scope" }, level: "MANAGE" }, undefined],
    ["a prefixed topic ACL", { kind: "kafka", principal: "User:p", resourceType: "Topic", name: "d.t.v1", operation: "Read" }, ["acl-read"]],
    ["Read implies Describe", { kind: "kafka", principal: "User:p", resourceType: "Topic", name: "d.t.v1", operation: "Describe" }, ["acl-read"]],
    ["but not Write", { kind: "kafka", principal: "User:p", resourceType: "Topic", name: "d.t.v1", operation: "Write" }, undefined],
    ["another domain's topic", { kind: "kafka", principal: "User:p", resourceType: "Topic", name: "e.t.v1", operation: "Read" }, undefined],
    ["ASSIGN with an allowed value", { kind: "tag-assign", tagKey: "pii", values: ["email"] }, ["tag-policy-pii", "tag-rules + member"]],
    ["a value the tag does not allow", { kind: "tag-assign", tagKey: "pii", values: ["phone"] }, undefined],
    ["a tag that is not governed", { kind: "tag-assign", tagKey: "retention", values: ["P1Y"] }, undefined],
  ] as [string, Need, string[] | undefined][])("%s", (_what, n, expected) => {
    expect(h.check("sp", n)).toEqual(expected);
  });
});

describe("what filter and mask functions reveal, read from their SQL", () => {
  it("reads the literal groups and the tenant mapping of the row filter", () => {
    const sql = "RETURN is_account_group_member('admins') OR is_account_group_member('o''brien')\n  OR EXISTS (SELECT 1 FROM c.governance.tenant_principals AS tp WHERE tp.tenant_id = row_tenant AND is_account_group_member(tp.principal))";
    expect(functionSemantics("f", sql)).toEqual({ name: "f", revealsTo: ["admins", "o'brien"], tenantMapped: { role: null, exclusive: false }, restrictedTo: null });
  });
  it("reads whether the mapping is honoured only for a principal mapped to one tenant (issue 15, item 11)", () => {
    const exclusive =
      "RETURN (EXISTS (SELECT 1 FROM c.governance.tenant_principals AS tp WHERE tp.tenant_id = row_tenant AND (tp.principal = current_user() OR is_account_group_member(tp.principal)))" +
      " AND NOT EXISTS (SELECT 1 FROM c.governance.tenant_principals AS other WHERE other.tenant_id <> row_tenant AND (other.principal = current_user() OR is_account_group_member(other.principal))))";
    expect(functionSemantics("f", exclusive).tenantMapped).toEqual({ role: null, exclusive: true });
    // A NOT EXISTS over anything else (here: the same tenant) does not make the mapping exclusive.
    expect(functionSemantics("f", exclusive.replace("other.tenant_id <> row_tenant", "other.tenant_id = row_tenant")).tenantMapped).toEqual({ role: null, exclusive: false });
  });
  it("reads the role a mask reveals to in the row's tenant, and ignores comments", () => {
    const sql = "-- is_account_group_member('commented')\nRETURN CASE WHEN is_account_group_member('gdpr') THEN value WHEN EXISTS (SELECT 1 FROM tenant_principals tp WHERE tp.role = 'client_admin') THEN value ELSE '***' END";
    expect(functionSemantics("m", sql)).toEqual({ name: "m", revealsTo: ["gdpr"], tenantMapped: { role: "client_admin", exclusive: false }, restrictedTo: null });
  });
  it("reads who a legal-hold filter shows restricted rows to: the groups tested before the tenant rule (issue 14 item 4)", () => {
    const held = compileGovernanceObjects(stackSettings("prod")).find((o) => o.name.endsWith(".tenant_filter_held"))!.create[0].sql;
    const sem = functionSemantics("f", held);
    expect(sem.restrictedTo).toEqual(["lakemesh-prod-gdpr-officers", "lakemesh-prod-legal-hold"]);
    // Every other row as tenant_filter shows it: the internal groups, and principals mapped to one tenant only.
    expect(sem.revealsTo).toEqual(["lakemesh-prod-data-scientists", "lakemesh-prod-gdpr-officers", "lakemesh-prod-internal-analysts", "lakemesh-prod-legal-hold", "lakemesh-prod-pipelines", "lakemesh-prod-platform-admins"]);
    expect(sem.tenantMapped).toEqual({ role: null, exclusive: true });
    // The GDPR jobs must see restricted rows too (a group in both lists), the pipelines must not need to.
    const h = new Holdings([{ kind: "function", name: "f", sql: held, via: "f" } as HeldFact]);
    expect(revealNeed(h, "f", true)).toEqual({ kind: "member", of: ["lakemesh-prod-gdpr-officers", "lakemesh-prod-legal-hold"], function: "f" });
    expect(revealNeed(h, "f")).toMatchObject({ kind: "member", of: expect.arrayContaining(["lakemesh-prod-pipelines"]) });
  });
  it("finds the function of a ROW FILTER clause", () => {
    expect(rowFilterFunction("ROW FILTER `c`.`governance`.`tenant_filter` ON (`tenant_id`)")).toBe("c.governance.tenant_filter");
    expect(rowFilterFunction(null)).toBeNull();
  });
});

describe("reading what workloads use and what SQL grants", () => {
  it("finds secret scopes in a pipeline's configuration, as references or as scope names", () => {
    expect(configuredScopes({ "lakemesh.subject_salt": "{{secrets/gdpr/subject-salt}}", "lakemesh.kafka.secret_scope": "kafka", "lakemesh.salt_scope": "salt", "lakemesh.env": "prod" })).toEqual(["gdpr", "kafka", "salt"]);
  });
  it("reads GRANT and REVOKE statements of governance SQL, with quoted principals", () => {
    expect(sqlGrants("GRANT SELECT ON TABLE `c`.`s`.`t` TO `a-group`;\nREVOKE SELECT ON TABLE `c`.`s`.`t` FROM `7a9d2f10-5c3e-4b6a-8f21-3d4e5f6a7b01`;\nALTER STREAMING TABLE x SET TAGS ('k' = 'v');")).toEqual([
      { action: "GRANT", privilege: "SELECT", table: "c.s.t", principal: "a-group" },
      { action: "REVOKE", privilege: "SELECT", table: "c.s.t", principal: "7a9d2f10-5c3e-4b6a-8f21-3d4e5f6a7b01" },
    ]);
  });
});
