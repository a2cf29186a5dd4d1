import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { compileContract, platformNames } from "../../lib/compile";
import { quotedTable } from "../../serving/local/duckdb";
import { goldSql, seedLocal } from "../../serving/local/seed";
import { shippedMesh, stackSettings } from "../helpers/settings";

const settings = stackSettings("dev");
const mesh = shippedMesh();

describe("the embedded database's seed", () => {
  it("rebuilds gold from silver the way the contract aggregates (join keys include the tenant)", () => {
    const c = compileContract(settings, platformNames(settings.catalog), mesh.byName.get("outcomes-performance")!);
    const kpis = c.datasets.find((d) => d.name === "equity_kpis")!;
    expect(goldSql(kpis)).toBe(
      'INSERT INTO "lakemesh_dev"."outcomes_performance"."equity_kpis" ("tenant_id", "plan_type", "grants", "shares_granted", "grant_holders") ' +
        'SELECT "tenant_id", "plan_type", count(*) AS "grants", sum("shares_granted") AS "shares_granted", count(DISTINCT "holder_user_id") AS "grant_holders" ' +
        'FROM "lakemesh_dev"."core_business"."equity_grants" JOIN "lakemesh_dev"."core_business"."equity_plans" USING ("tenant_id", "plan_id") GROUP BY "tenant_id", "plan_type"',
    );
  });

  it("loads exactly the plane's export when there is one (tables it lacks stay empty), else the sample", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakemesh-export-"));
    const sample = await seedLocal(settings, mesh, { exportDir: dir });
    expect(sample.source).toBe("sample");
    const exported = ["lakemesh_dev.core_business.equity_grants", "lakemesh_dev.users_identity.users"];
    for (const t of exported) {
      fs.mkdirSync(path.join(dir, `${t}.parquet`));
      await sample.backend.exec(`COPY (SELECT * FROM ${quotedTable(t)} WHERE tenant_id = 'tenant-02') TO '${path.join(dir, `${t}.parquet`, "part-00000.parquet")}' (FORMAT parquet)`);
    }
    fs.writeFileSync(path.join(dir, "export.json"), JSON.stringify({ tables: Object.fromEntries(exported.map((t) => [t, 0])) }));
    const plane = await seedLocal(settings, mesh, { exportDir: dir });
    try {
      expect(plane.source).toBe("plane");
      expect(plane.tenants).toEqual(["tenant-02"]);
      for (const t of exported) expect(plane.counts[t]).toBe(Number((await sample.backend.exec(`SELECT count(*) AS n FROM ${quotedTable(t)} WHERE tenant_id = 'tenant-02'`))[0].n));
      expect(plane.counts["lakemesh_dev.core_business.equity_plans"]).toBe(0);
      expect((await seedLocal(settings, mesh, { exportDir: dir, source: "sample" }).then(async (s) => (await s.backend.close(), s.source)))).toBe("sample");
    } finally {
      await plane.backend.close();
      await sample.backend.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    await expect(seedLocal(settings, mesh, { exportDir: path.join(dir, "none"), source: "plane" })).rejects.toThrow("no export of the local data plane in");
  });
});
