import * as fs from "fs";
import * as path from "path";
import { MANIFEST_RULES } from "../../lib/manifest";

test("each semantic rule lives in its own file named by its id", () => {
  const dir = path.join(__dirname, "..", "..", "lib", "manifest", "rules");
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".ts") && f !== "index.ts").map((f) => f.replace(/\.ts$/, "")).sort();
  expect(MANIFEST_RULES.map((r) => r.id).sort()).toEqual(files);
  for (const r of MANIFEST_RULES) expect(r.description.length).toBeGreaterThan(20);
});
