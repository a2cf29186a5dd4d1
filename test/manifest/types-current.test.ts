import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../helpers/settings";

// TypeScript types are generated from the JSON Schemas; this fails when someone edits one without regenerating
// the other (`npm run gen:types`). The generator runs in its own process because it loads prettier through dynamic
// imports, which jest's module loader does not support.

test.each([
  ["manifest", "lib/manifest/types.gen.ts"],
  ["settings", "lib/compile/settings.gen.ts"],
])("%s types (%s) are what the schema generates", (key, file) => {
  const generated = execFileSync(process.execPath, [path.join(ROOT, "scripts", "gen-types.js"), "--stdout", key], { encoding: "utf8" });
  expect(fs.readFileSync(path.join(ROOT, file), "utf8")).toBe(generated);
});
