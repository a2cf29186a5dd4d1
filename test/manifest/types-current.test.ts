import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

// TypeScript types are generated from the JSON Schemas; this fails when someone edits one without regenerating
// the other (`npm run gen:types`). The generator runs in its own process because it loads prettier through dynamic
// imports, which jest's module loader does not support.
const root = path.join(__dirname, "..", "..");

test.each([
  ["manifest", "lib/manifest/types.gen.ts"],
  ["settings", "lib/compile/settings.gen.ts"],
])("%s types (%s) are what the schema generates", (key, file) => {
  const generated = execFileSync(process.execPath, [path.join(root, "scripts", "gen-types.js"), "--stdout", key], { encoding: "utf8" });
  expect(fs.readFileSync(path.join(root, file), "utf8")).toBe(generated);
});
