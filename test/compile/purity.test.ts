import * as fs from "fs";
import * as path from "path";

// lib/ is the pure layer: manifest in, specs out. It must not import Pulumi or a provider SDK.
function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
}

test("nothing under lib/ imports a Pulumi package", () => {
  const lib = path.join(__dirname, "..", "..", "lib");
  const offenders = files(lib).filter((f) => /(from\s+["']@pulumi\/|require\(\s*["']@pulumi\/)/.test(fs.readFileSync(f, "utf8")));
  expect(offenders.map((f) => path.relative(lib, f))).toEqual([]);
  expect(files(lib).length).toBeGreaterThan(20);
  // The access model is pure too: it reads plans and specs, never a provider.
  expect(files(path.join(lib, "access")).length).toBeGreaterThanOrEqual(10);
});
