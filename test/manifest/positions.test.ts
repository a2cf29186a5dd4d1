import * as fs from "fs";
import * as path from "path";
import { formatError, locateIn, manifestSource, readManifestFiles, validateMesh } from "../../lib/manifest";
import { applyChanges, baselineMesh } from "../helpers/manifests";
import { ROOT } from "../helpers/settings";

describe("positions recorded with a manifest (for located policy violations)", () => {
  const loaded = validateMesh(baselineMesh()).manifests.find((m) => m.manifest.metadata.name === "alpha")!;
  const source = manifestSource(loaded);

  it("place a field where validate places its error", () => {
    const broken = validateMesh(applyChanges(baselineMesh(), [{ file: "alpha.yaml", from: "      retention: P7D\n", to: "      retention: P30D\n" }])).errors.map(formatError);
    expect(broken[0].startsWith(`${locateIn(source, ["spec", "topics", 0, "retention"])}: `)).toBe(true);
    expect(locateIn(source, ["spec", "topics", 0, "retention"])).toBe("mesh/alpha.yaml:19:18: spec.topics[0].retention");
    expect(locateIn(source, ["spec", "datasets", 0, "columns", 2, "personalData"])).toBe("mesh/alpha.yaml:59:11: spec.datasets[0].columns[2].personalData");
  });

  it("fall back to the nearest recorded ancestor, then to the file's start", () => {
    expect(locateIn(source, ["spec", "datasets", 0, "partitionBy", "reason"])).toBe("mesh/alpha.yaml:23:7: spec.datasets[0].partitionBy.reason");
    expect(locateIn({ file: "x.yaml", positions: {} }, ["spec"])).toBe("x.yaml:1:1: spec");
  });

  it("are the same for the same file, and small", () => {
    const { files } = readManifestFiles([path.join(ROOT, "domains")], ROOT);
    const shipped = validateMesh(files).manifests;
    const again = validateMesh(files).manifests;
    for (const [i, m] of shipped.entries()) {
      const s = manifestSource(m);
      expect(manifestSource(again[i])).toEqual(s);
      expect(s.file).toBe(`domains/${m.manifest.metadata.name}.yaml`);
      expect(JSON.stringify(s).length).toBeLessThan(8_000);
    }
    expect(fs.existsSync(path.join(ROOT, shipped[0].file))).toBe(true);
  });
});
