import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

// The TypeScript manifest types are generated from lib/manifest/schema.json; this fails when someone edits
// one without regenerating the other (`npm run gen:types`). The generator runs in its own process because
// it loads prettier through dynamic imports, which jest's module loader does not support.
test("lib/manifest/types.gen.ts is what the schema generates", () => {
  const root = path.join(__dirname, "..", "..");
  const generated = execFileSync(process.execPath, [path.join(root, "scripts", "gen-types.js"), "--stdout"], { encoding: "utf8" });
  expect(fs.readFileSync(path.join(root, "lib", "manifest", "types.gen.ts"), "utf8")).toBe(generated);
});
