import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import { GroupMembership } from "../../components/access";

// Serving's memberships moved from plain GroupMembers under each tenant principal to GroupMembership components
// (so the access model sees them). A new parent changes a resource's URN; the alias must name the old one, or
// `pulumi up` on an existing stack would delete and re-create every membership. The mock monitor does not hand
// aliases to the mocks, so this reads them from the registration requests themselves.
const seen = new Map<string, { urn: string; aliases: { parent: string; name: string; type: string }[] }>();

beforeAll(async () => {
  await pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: { ...a.inputs, applicationId: `app-${a.name}` } }), call: () => ({}) }, "lakemesh", "prod", false);
  const monitor = pulumi.runtime.getMonitor() as any;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: any) =>
    register(req, (err: unknown, res: any) => {
      if (!err) seen.set(req.getName() + "|" + req.getType(), { urn: res.getUrn(), aliases: req.getAliasesList().map((a: any) => ({ parent: a.getSpec()?.getParenturn(), name: a.getSpec()?.getName(), type: a.getSpec()?.getType() })) });
      callback(err, res);
    });
});

test("a serving membership keeps its GroupMember's name and aliases the URN it had under the principal", async () => {
  class Serving extends pulumi.ComponentResource {
    constructor() {
      super("lakemesh:serving:Serving", "serving", {});
      const account = new databricks.Provider("databricks-account", { host: "https://accounts.cloud.databricks.com", accountId: "acc" }, { parent: this });
      const sp = new databricks.ServicePrincipal("serving-tenant-t1", { displayName: "t1" }, { parent: this, provider: account });
      new GroupMembership("serving-tenant-t1-member-api", { group: "api", member: sp.applicationId, groupId: "g", memberId: sp.id, accountProvider: account, memberAliases: [{ parent: sp }] }, { parent: sp });
      this.registerOutputs({});
    }
  }
  new Serving();
  await new Promise((r) => setTimeout(r, 200));
  const GM = "databricks:index/groupMember:GroupMember";
  const after = seen.get(`serving-tenant-t1-member-api|${GM}`)!;
  const sp = seen.get("serving-tenant-t1|databricks:index/servicePrincipal:ServicePrincipal")!.urn;
  expect(after.urn).toMatch(/lakemesh:access:GroupMembership\$databricks:index\/groupMember:GroupMember::serving-tenant-t1-member-api$/);
  // The engine resolves an alias spec to <parent's type chain>$<type>::<name>, an empty name or type meaning the
  // resource's own: here the URN the member had as the principal's direct child, under the same name.
  expect(after.aliases).toEqual([{ parent: sp, name: "", type: "" }]);
});
