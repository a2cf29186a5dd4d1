import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { OFFLINE_WAREHOUSE_ID } from "../../cli/plan/mocks";
import { readStackConfig } from "../../cli/plan/stack-config";
import { maskSpecs, platformOutputs } from "../../lib/compile";
import { ROOT, shippedMesh } from "../helpers/settings";

test("a StackReference output that is missing fails with the platform stack and the output named, and writes nothing", () => {
  const { warehouseId: _dropped, ...withoutWarehouse } = platformOutputs(readStackConfig(ROOT, "prod").settings, OFFLINE_WAREHOUSE_ID, maskSpecs(shippedMesh()).map((m) => m.key));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakemesh-outputs-"));
  fs.writeFileSync(path.join(dir, "outputs.json"), JSON.stringify(withoutWarehouse));
  const r = spawnSync(process.execPath, [path.join(ROOT, "bin", "lakemesh.js"), "plan", "--stack", "prod", "--domain", "core-business", "--quiet", "--platform-outputs", path.join(dir, "outputs.json"), "--out", path.join(dir, "out")], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 120_000,
  });
  expect(r.status).toBe(1);
  expect(r.stderr).toBe(
    'lakemesh plan: the program failed; nothing was written: platform stack organization/lakemesh/prod-platform has no output "warehouseId"; deploy the platform stack first (outputs read: catalog, tenantFilter, tenantFilterHeld, masks, erasureSuppression, registryTable, warehouseId, gmsUrl, principals)\n',
  );
  expect(fs.existsSync(path.join(dir, "out"))).toBe(false);
});

test("a platform stack whose outputs name another catalog's row filter fails the domain plan, and writes nothing (issue 15, item 8)", () => {
  const s = readStackConfig(ROOT, "prod").settings;
  const foreign = { ...platformOutputs({ ...s, catalog: "other_org_prod" }, OFFLINE_WAREHOUSE_ID), catalog: s.catalog };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakemesh-outputs-"));
  fs.writeFileSync(path.join(dir, "outputs.json"), JSON.stringify(foreign));
  const r = spawnSync(process.execPath, [path.join(ROOT, "bin", "lakemesh.js"), "plan", "--stack", "prod", "--domain", "core-business", "--quiet", "--platform-outputs", path.join(dir, "outputs.json"), "--out", path.join(dir, "out")], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 120_000,
  });
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/^lakemesh plan: the program failed; nothing was written: platform stack organization\/lakemesh\/prod-platform: output "(tenantFilter|masks)" is .*other_org_prod/);
  expect(fs.existsSync(path.join(dir, "out"))).toBe(false);
});
