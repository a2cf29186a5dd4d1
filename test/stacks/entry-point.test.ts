// How the Pulumi engine starts the program and the pack (README, "Running Pulumi"): the compiled dist/, never the
// TypeScript sources through the engine's own loader, and never a dist/ older than its sources. The engine tests
// (test/engine) start both for real; these checks fail fast when the wiring changes.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { assertBuildCurrent, BUILD_STAMP, buildInputs, staleReasons, StaleBuildError, writeBuildStamp } from "../../lib/build-stamp";
import { ROOT } from "../helpers/settings";

const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");

test("Pulumi.yaml runs the compiled program, which tsc builds from index.ts", () => {
  const project = parse(read("Pulumi.yaml")) as { main: string; runtime: { name: string; options: { typescript: boolean } } };
  expect(project.runtime).toEqual({ name: "nodejs", options: { typescript: false } });
  expect(project.main).toBe("dist/index.js");
  const build = JSON.parse(read("tsconfig.build.json")) as { include: string[] };
  const base = JSON.parse(read("tsconfig.json")) as { compilerOptions: { outDir: string; rootDir: string } };
  expect(build.include).toContain("index.ts");
  expect(path.join(base.compilerOptions.outDir, "index.js")).toBe(project.main);
  expect(fs.existsSync(path.join(ROOT, project.main))).toBe(true);
});

test("the policy pack's package.json points the engine at the compiled pack", () => {
  const pkg = JSON.parse(read("policies/package.json")) as { main: string };
  expect(pkg.main).toBe("../dist/policies/index.js");
  expect(fs.existsSync(path.join(ROOT, "policies", pkg.main))).toBe(true);
});

test("no source folder has x.ts beside x.json: the engine's loader resolves ./x to the JSON first", () => {
  const clashes: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith(".ts") && fs.existsSync(path.join(ROOT, rel.replace(/\.ts$/, ".json")))) clashes.push(rel);
    }
  };
  for (const dir of ["lib", "components", "policies", "cli"]) walk(dir);
  expect(clashes).toEqual([]);
});

describe("the build stamp", () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "lakemesh-stamp-"));
    fs.mkdirSync(path.join(root, "dist", "lib"), { recursive: true });
    fs.writeFileSync(path.join(root, "index.ts"), "export = 1;\n");
    fs.mkdirSync(path.join(root, "lib"));
    fs.writeFileSync(path.join(root, "lib", "x.ts"), "export const x = 1;\n");
  });
  const build = () => {
    fs.writeFileSync(path.join(root, "dist", "index.js"), "module.exports = 1;\n");
    fs.writeFileSync(path.join(root, "dist", "lib", "x.js"), "exports.x = 1;\n");
    return writeBuildStamp(root, path.join(root, "dist"));
  };

  it("records every compiled source and passes while they are unchanged", () => {
    expect(build()).toBe(2);
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(root, "dist", BUILD_STAMP), "utf8")).sources).sort()).toEqual(["index.ts", "lib/x.ts"]);
    expect(() => assertBuildCurrent(path.join(root, "dist"))).not.toThrow();
  });

  it("refuses a dist/ older than an edited source", () => {
    build();
    fs.writeFileSync(path.join(root, "lib", "x.ts"), "export const x = 2;\n");
    expect(() => assertBuildCurrent(path.join(root, "dist"))).toThrow(StaleBuildError);
    expect(() => assertBuildCurrent(path.join(root, "dist"))).toThrow(/\(lib\/x\.ts changed since\): run `npm run build`/);
  });

  it("refuses a dist/ without a stamp, and checks nothing when not running from dist/", () => {
    expect(() => assertBuildCurrent(path.join(root, "dist"))).toThrow(/is missing: build with `npm run build`/);
    expect(() => assertBuildCurrent(root)).not.toThrow();
  });

  describe("staleReasons (scripts/build-if-stale.sh)", () => {
    const dist = () => path.join(root, "dist");
    beforeEach(() => {
      fs.writeFileSync(path.join(root, "tsconfig.build.json"), JSON.stringify({ include: ["index.ts", "lib/**/*.ts"] }));
      fs.writeFileSync(path.join(root, "package.json"), "{}\n");
    });

    it("finds nothing right after a build, and is not fooled by a newer file time", () => {
      build();
      const later = new Date(Date.now() + 60_000);
      fs.utimesSync(path.join(root, "lib", "x.ts"), later, later);
      expect(staleReasons(root, dist())).toEqual([]);
    });

    it.each([
      ["no stamp", () => undefined, ["dist/.lakemesh-build.json is missing"]],
      ["an edited source", () => fs.appendFileSync(path.join(root, "lib", "x.ts"), "// edit\n"), ["lib/x.ts changed"]],
      ["a deleted source", () => fs.rmSync(path.join(root, "lib", "x.ts")), ["lib/x.ts changed"]],
      ["a new source in an included folder", () => fs.writeFileSync(path.join(root, "lib", "y.ts"), "export {};\n"), ["lib/y.ts is new"]],
      ["a changed package.json", () => fs.writeFileSync(path.join(root, "package.json"), '{"x":1}\n'), ["package.json changed"]],
      ["a tsconfig that appeared", () => fs.writeFileSync(path.join(root, "tsconfig.json"), "{}\n"), ["tsconfig.json is new"]],
    ])("reports %s", (what, change, expected) => {
      if (what !== "no stamp") build();
      change();
      expect(staleReasons(root, dist())).toEqual(expected);
    });

    it("ignores declaration files and files outside the included folders", () => {
      build();
      fs.writeFileSync(path.join(root, "lib", "z.d.ts"), "export {};\n");
      fs.mkdirSync(path.join(root, "test"));
      fs.writeFileSync(path.join(root, "test", "t.ts"), "export {};\n");
      expect(buildInputs(root)).toEqual(["index.ts", "lib/x.ts"]);
      expect(staleReasons(root, dist())).toEqual([]);
    });

    it("refuses an include pattern it does not understand instead of matching nothing", () => {
      fs.writeFileSync(path.join(root, "tsconfig.build.json"), JSON.stringify({ include: ["lib/*.ts"] }));
      expect(() => buildInputs(root)).toThrow(/include "lib\/\*\.ts": only a file or/);
    });
  });
});
