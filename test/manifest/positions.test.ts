import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { formatError, locateField, validateMesh } from "../../lib/manifest";
import { applyChanges, baselineMesh, FIXTURES } from "../helpers/manifests";

describe("positions of manifest fields, looked up in the manifest's file (for located policy violations)", () => {
  const alpha = validateMesh(baselineMesh()).manifests.find((m) => m.manifest.metadata.name === "alpha")!.manifest;
  const roots = [FIXTURES];

  it("place a field where validate places its error", () => {
    const broken = validateMesh(applyChanges(baselineMesh(), [{ file: "alpha.yaml", from: "      retention: P7D\n", to: "      retention: P30D\n" }])).errors.map(formatError);
    expect(locateField(roots, "mesh/alpha.yaml", alpha, ["spec", "topics", 0, "retention"])).toBe("mesh/alpha.yaml:19:18: spec.topics[0].retention");
    expect(broken[0].startsWith("mesh/alpha.yaml:19:18: spec.topics[0].retention: ")).toBe(true);
    expect(locateField(roots, "mesh/alpha.yaml", alpha, ["spec", "datasets", 0, "columns", 2, "personalData"])).toBe("mesh/alpha.yaml:59:11: spec.datasets[0].columns[2].personalData");
  });

  it("fall back to the nearest field in the file for one it lacks", () => {
    expect(locateField(roots, "mesh/alpha.yaml", alpha, ["spec", "datasets", 0, "partitionBy", "reason"])).toBe("mesh/alpha.yaml:23:7: spec.datasets[0].partitionBy.reason");
  });

  it("name the domain and field only when the file is missing or holds another manifest on the way to the field", () => {
    expect(locateField(roots, "mesh/gamma.yaml", alpha, ["spec", "topics", 0])).toBe("alpha: spec.topics[0]");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakemesh-positions-"));
    fs.mkdirSync(path.join(dir, "mesh"));
    fs.writeFileSync(path.join(dir, "mesh", "alpha.yaml"), fs.readFileSync(path.join(FIXTURES, "mesh", "alpha.yaml"), "utf8").replace("- name: email", "- name: mail"));
    expect(locateField([dir], "mesh/alpha.yaml", alpha, ["spec", "datasets", 0, "columns", 2])).toBe("alpha: spec.datasets[0].columns[2]");
    expect(locateField([dir, FIXTURES], "mesh/alpha.yaml", alpha, ["spec", "datasets", 0, "columns", 2])).toBe("mesh/alpha.yaml:56:11: spec.datasets[0].columns[2]");
  });
});
