import * as fs from "fs";
import * as path from "path";
import type { SqlText } from "./identifiers";

/** Folder of the SQL templates (sql/ at the project root, next to lib/ and dist/). */
export const SQL_DIR = [path.join(__dirname, "..", "..", "sql"), path.join(__dirname, "..", "..", "..", "sql")].find((d) => fs.existsSync(d)) ?? "sql";

const cache = new Map<string, string>();

/** Text of a template, e.g. loadTemplate("functions/tenant_filter.sql"). */
export function loadTemplate(name: string): string {
  let t = cache.get(name);
  if (t === undefined) {
    t = fs.readFileSync(path.join(SQL_DIR, name), "utf8");
    cache.set(name, t);
  }
  return t;
}

/**
 * Fills `{{name}}` placeholders with SQL texts made by the identifier helpers. Every placeholder must be given and
 * every value used; leading `--` comment lines (the template's documentation) are dropped.
 */
export function renderTemplate(template: string, values: Readonly<Record<string, SqlText>>): string {
  const used = new Set<string>();
  const body = template
    .split("\n")
    .filter((l, i, all) => !(l.startsWith("--") && all.slice(0, i).every((x) => x.startsWith("--"))))
    .join("\n")
    .trim();
  const out = body.replace(/\{\{([a-z_]+)\}\}/g, (_, key: string) => {
    const v = values[key];
    if (v === undefined) throw new Error(`template placeholder {{${key}}} has no value`);
    used.add(key);
    return v;
  });
  const unused = Object.keys(values).filter((k) => !used.has(k));
  if (unused.length > 0) throw new Error(`values not used by the template: ${unused.join(", ")}`);
  return out;
}
