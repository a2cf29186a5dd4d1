// The DataHub metadata lakemesh writes, checked by DataHub's own tooling (acryl-datahub in .local/datahub-venv,
// installed from requirements/datahub.txt on first use): `datahub check metadata-file`, and the stricter
// scripts/local/datahub_check.py (typed aspects, allowed on their entities, written back unchanged, contract URNs
// as DataHub names them). Both the export and what each domain's ingestion CronJob loads (its ConfigMap, from
// the real dev plan) are checked.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { compileContract, datahubGuid, datasetUrn, domainMetadata, meshPlatformNames } from "../../lib/compile";
import { ROOT, shippedMesh, stackSettings } from "../helpers/settings";

const bin = path.join(ROOT, "bin", "lakemesh.js");
const ENV = { ...process.env, DATAHUB_TELEMETRY_ENABLED: "false", DATAHUB_GMS_TOKEN: "not-a-token" };
let venv: string;
let dir: string;

function python(args: string[]) {
  return spawnSync(path.join(venv, "bin", "python"), args, { encoding: "utf8", env: ENV, timeout: 300_000 });
}

beforeAll(() => {
  const v = spawnSync("bash", [path.join(ROOT, "scripts", "local", "datahub-venv.sh")], { encoding: "utf8", timeout: 900_000 });
  if (v.status !== 0) throw new Error(`datahub venv: ${v.stderr}`);
  venv = v.stdout.trim();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakemesh-datahub-"));
  const exp = spawnSync(process.execPath, [bin, "export", "datahub", "--env", "prod", "--out", path.join(dir, "export.json")], { cwd: ROOT, encoding: "utf8" });
  if (exp.status !== 0) throw new Error(exp.stderr);
  const plan = spawnSync(process.execPath, [bin, "plan", "--stack", "dev", "--quiet", "--out", path.join(dir, "plan")], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  if (plan.status !== 0) throw new Error(plan.stderr);
}, 900_000);

describe("DataHub metadata, checked by DataHub's tooling", () => {
  it("datahub check metadata-file accepts the export", () => {
    const r = spawnSync(path.join(venv, "bin", "datahub"), ["check", "metadata-file", path.join(dir, "export.json")], { encoding: "utf8", env: ENV, timeout: 300_000 });
    expect(r.status).toBe(0);
    const count = JSON.parse(fs.readFileSync(path.join(dir, "export.json"), "utf8")).length;
    expect(r.stdout).toContain(`${count} MCEs found - all valid`);
  });

  it("every record is a typed proposal DataHub writes back unchanged, in the export and in each domain's ConfigMap", () => {
    const configMaps = path.join(dir, "plan", "dev", "kubernetes");
    const domains = shippedMesh().domains.map((d) => d.metadata.name);
    const metadata = domains.map((d) => path.join(configMaps, `${d}-datahub-recipe`, "contracts.json"));
    const recipes = domains.map((d) => path.join(configMaps, `${d}-datahub-recipe`, "contracts.yml"));
    const r = python([path.join(ROOT, "scripts", "local", "datahub_check.py"), path.join(dir, "export.json"), ...metadata, "--recipes", ...recipes]);
    expect(r.stdout.split("\n").filter((l) => /^\d+ records: /.test(l)).length).toBe(1 + domains.length);
    expect(r.stdout.split("\n").filter((l) => l.endsWith("a valid file -> datahub-rest recipe")).length).toBe(domains.length);
    expect([r.status, r.stderr.split("\n").filter((l) => /Error|Traceback/.test(l))]).toEqual([0, []]);
  });

  it("the strict check fails what DataHub would not take as written (negative controls)", () => {
    const good = JSON.parse(fs.readFileSync(path.join(dir, "export.json"), "utf8"));
    const cases: [string, (recs: any[]) => void, RegExp][] = [
      ["an aspect DataHub does not know", (r) => (r[0].aspectName = "glossaryNodeInfos"), /not a typed proposal/],
      ["an aspect not allowed on the entity", (r) => r.push({ ...r.find((x: any) => x.aspectName === "dataContractStatus"), entityType: "dataset", entityUrn: datasetUrn("a.b.c") }), /dataContractStatus is not allowed on entity type dataset|does not match the entity type/],
      ["a contract named otherwise than DataHub names it", (r) => r.filter((x: any) => x.entityType === "dataContract").forEach((x: any) => (x.entityUrn = "urn:li:dataContract:mine")), /DataHub names the contract of/],
      ["a field DataHub would drop", (r) => (r.find((x: any) => x.aspectName === "domainProperties").aspect.json.colour = "blue"), /colour: dropped by DataHub|not a typed proposal|Traceback/],
    ];
    const files = cases.map(([name, edit]) => {
      const recs = structuredClone(good);
      edit(recs);
      const file = path.join(dir, `bad-${name.replace(/\W+/g, "-")}.json`);
      fs.writeFileSync(file, JSON.stringify(recs));
      return file;
    });
    // One run for all four: the check prints "<file>:" before each file's findings.
    const r = python([path.join(ROOT, "scripts", "local", "datahub_check.py"), ...files]);
    expect(r.status).toBe(1);
    const out = r.stdout + r.stderr;
    cases.forEach(([name, , expected], i) => {
      const start = out.indexOf(`${files[i]}:`);
      const end = i + 1 < files.length ? out.indexOf(`${files[i + 1]}:`) : out.length;
      const section = out.slice(start, end);
      expect([name, expected.test(section), /^\d+ records: /m.test(section)]).toEqual([name, true, false]);
    });
  });
});

describe("DataHub metadata (no DataHub needed)", () => {
  const s = stackSettings("prod");
  const mesh = shippedMesh().domains;
  const core = mesh.find((d) => d.metadata.name === "core-business")!;
  const mcps = domainMetadata(core, compileContract(s, meshPlatformNames(s.catalog, shippedMesh()), core));

  it("names contracts as datahub datacontract upsert does, on the dataset URN the unity-catalog source gives", () => {
    const entity = "urn:li:dataset:(urn:li:dataPlatform:databricks,lakemesh_prod.core_business.equity_grants,PROD)";
    // md5('{"entity":"<urn>"}'), DataHub's datahub_guid.
    const props = mcps.find((m) => m.aspectName === "dataContractProperties" && (m.aspect.json as { entity: string }).entity === entity)!;
    expect(props.entityUrn).toBe(`urn:li:dataContract:${datahubGuid({ entity })}`);
    // The value DataHub's datahub_guid gives for the same keys (computed with acryl-datahub 1.7.0.17).
    expect(datahubGuid({ entity: "urn:li:dataset:(urn:li:dataPlatform:databricks,a.b.c,PROD)", data_quality: "positive_shares", contract: "urn:li:dataContract:c" })).toBe("19e26be81166abd6c190247574a6438b");
    const json = props.aspect.json as { dataQuality: unknown[]; schema: unknown[]; freshness: unknown[] };
    // Schema and freshness, and one data-quality assertion per expectation the pipeline runs (3 declared + tenant + 8 required columns).
    expect([json.schema.length, json.freshness.length, json.dataQuality.length]).toEqual([1, 1, 12]);
  });

  it("puts the personal-data glossary terms on the dataset, its columns and its data product", () => {
    const termsOf = (urn: string) => (mcps.find((m) => m.entityUrn === urn && m.aspectName === "glossaryTerms")?.aspect.json as { terms: { urn: string }[] } | undefined)?.terms.map((t) => t.urn);
    const ds = "urn:li:dataset:(urn:li:dataPlatform:databricks,lakemesh_prod.core_business.equity_grants,PROD)";
    const terms = ["email", "identifier", "name"].map((c) => `urn:li:glossaryTerm:lakemesh.personal-data.${c}`);
    expect(termsOf(ds)).toEqual(terms);
    expect(termsOf("urn:li:dataProduct:core-business.equity_grants")).toEqual(terms);
    expect(termsOf(`urn:li:schemaField:(${ds},holder_email)`)).toEqual(["urn:li:glossaryTerm:lakemesh.personal-data.email"]);
    expect(termsOf("urn:li:dataset:(urn:li:dataPlatform:databricks,lakemesh_prod.core_business.products,PROD)")).toBeUndefined();
  });

  it("keeps every domain's ConfigMap file well under the 1 MiB ConfigMap limit", () => {
    for (const d of mesh) {
      const size = Buffer.byteLength(JSON.stringify(domainMetadata(d, compileContract(s, meshPlatformNames(s.catalog, shippedMesh()), d))));
      expect([d.metadata.name, size < 256 * 1024]).toEqual([d.metadata.name, true]);
    }
  });
});
