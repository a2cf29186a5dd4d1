import * as fs from "fs";
import * as path from "path";
import { ERASURE_DEADLINE_DAYS, MANIFEST_RULES, MANIFEST_SCHEMA, MAX_PERSONAL_RETENTION_DAYS } from "../../lib/manifest";

const readme = fs.readFileSync(path.join(__dirname, "..", "..", "domains", "README.md"), "utf8");

describe("domains/README.md", () => {
  it("documents every field of the schema", () => {
    const defs = (MANIFEST_SCHEMA as unknown as { $defs: Record<string, { properties?: object }> }).$defs;
    const fields = new Set(Object.values(defs).flatMap((d) => Object.keys(d.properties ?? {})));
    const missing = [...fields].filter((f) => !readme.includes("`" + f + "`") && !readme.includes("." + f + "`") && !readme.includes("`" + f + "."));
    expect(missing).toEqual([]);
  });

  it("lists every semantic rule in its checks table", () => {
    const rows = new Set([...readme.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]));
    expect(MANIFEST_RULES.map((r) => r.id).filter((id) => !rows.has(id))).toEqual([]);
  });

  it("states the real maximum retention of a personal topic, as validate computes it", () => {
    const row = readme.split("\n").find((l) => l.startsWith("| `retention` | yes |")) ?? "";
    expect(row).toContain(`at most \`P${MAX_PERSONAL_RETENTION_DAYS}D\``);
    expect(row).toContain(`${ERASURE_DEADLINE_DAYS}-day erasure deadline`);
    expect(readme.match(/at most `P(\d+)D`/g)?.every((m) => m === `at most \`P${MAX_PERSONAL_RETENTION_DAYS}D\``)).toBe(true);
  });
});
