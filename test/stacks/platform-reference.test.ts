import { OFFLINE_WAREHOUSE_ID, planMocks } from "../../cli/plan/mocks";
import { platformOutputMismatch, platformOutputs, readSettings, SettingsError } from "../../lib/compile";
import { stackSettings } from "../helpers/settings";

// A domain stack reads its catalog, row filter and masks from its environment's platform stack only (issue 15, item 8).
const s = stackSettings("prod");

describe("the platform a domain stack reads", () => {
  it("cannot be named in a stack file: lakemesh:platformStack is refused with why", () => {
    const get = (key: string) => (key === "platformStack" ? "other-org/lakemesh/prod-platform" : undefined);
    expect(() => readSettings(get, "Pulumi.prod-core-business.yaml")).toThrow(SettingsError);
    expect(() => readSettings(get, "Pulumi.prod-core-business.yaml")).toThrow(/^Pulumi\.prod-core-business\.yaml: lakemesh:platformStack: no longer a setting: a domain stack always reads the platform stack <org>\/<project>\/<env>-platform/);
  });

  it("is answered by the offline plan only for the environment's platform stack of the same organisation and project", () => {
    const mocks = planMocks(s, undefined, "lakemesh");
    const ref = (name: string) => mocks.newResource({ type: "pulumi:pulumi:StackReference", name, inputs: { name }, custom: true } as never);
    expect(ref("organization/lakemesh/prod-platform")).toMatchObject({ state: { name: "organization/lakemesh/prod-platform", outputs: { catalog: "lakemesh_prod" } } });
    for (const other of ["other-org/lakemesh/prod-platform", "organization/other-project/prod-platform", "organization/lakemesh/dev-platform", "organization/lakemesh/prod-platform/x", "prod-platform"]) {
      expect(() => ref(other)).toThrow(`offline plan: StackReference ${JSON.stringify(other)} is not this environment's platform stack organization/lakemesh/prod-platform; the plan answers only for that one`);
    }
  });

  it("must export what the domain stack's own settings imply, the warehouse id aside", () => {
    const expected = platformOutputs(s, OFFLINE_WAREHOUSE_ID);
    for (const key of Object.keys(expected) as (keyof typeof expected)[]) expect([key, platformOutputMismatch(s, key, expected[key])]).toEqual([key, undefined]);
    expect(platformOutputMismatch(s, "warehouseId", "any-warehouse")).toBeUndefined();
    const foreign = platformOutputs({ ...s, catalog: "other_org_prod" }, OFFLINE_WAREHOUSE_ID);
    expect(platformOutputMismatch(s, "tenantFilter", foreign.tenantFilter)).toMatch(/^output "tenantFilter" is "other_org_prod\.governance\.tenant_filter", not "lakemesh_prod\.governance\.tenant_filter" as lakemesh:catalog "lakemesh_prod"/);
    expect(platformOutputMismatch(s, "masks", foreign.masks)).toMatch(/^output "masks" names identifier: "other_org_prod\.governance\.mask_identifier", /);
    // Masks: a platform deployed with a numeric mask this mesh no longer needs still passes; one lacking a needed mask does not.
    const withNumeric = platformOutputs(s, OFFLINE_WAREHOUSE_ID, [...Object.keys(expected.masks), "financial_decimal_18_2"]).masks;
    expect(platformOutputMismatch(s, "masks", withNumeric, Object.keys(expected.masks))).toBeUndefined();
    expect(platformOutputMismatch(s, "masks", expected.masks, [...Object.keys(expected.masks), "financial_decimal_18_2"])).toBe(
      'output "masks" lacks mask_financial_decimal_18_2; deploy the platform stack with these manifests first (it declares one mask per category and numeric type of its mesh)',
    );
    expect(platformOutputMismatch(s, "catalog", foreign.catalog)).toMatch(/^output "catalog" is "other_org_prod"/);
  });
});
