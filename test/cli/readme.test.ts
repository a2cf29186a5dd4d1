import * as fs from "fs";
import * as path from "path";
import { COMMANDS } from "../../cli/main";
import { ROOT } from "../helpers/settings";

const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };

test("the README's command table lists exactly the CLI's commands", () => {
  const table = readme.split("## The `lakemesh` command")[1].split("\n## ")[0];
  const listed = [...table.matchAll(/^\| `lakemesh ([a-z]+)/gm)].map((m) => m[1]);
  expect([...listed].sort()).toEqual(Object.keys(COMMANDS).sort());
});

test("the README's table gives each command exactly the options of its usage's synopsis", () => {
  const table = readme.split("## The `lakemesh` command")[1].split("\n## ")[0];
  for (const [, name, synopsis] of table.matchAll(/^\| `lakemesh ([a-z]+)([^`]*)`/gm)) {
    const listed = new Set(synopsis.match(/--[a-z-]+/g) ?? []);
    // The usage's synopsis: its first paragraph ("Usage: lakemesh <command> ...").
    const offered = new Set(COMMANDS[name].usage.split("\n\n")[0].match(/--[a-z-]+/g) ?? []);
    expect([name, [...listed].sort()]).toEqual([name, [...offered].sort()]);
  }
});

test("every npm script the README mentions exists", () => {
  const mentioned = [...readme.matchAll(/npm run ([a-z:-]+)/g)].map((m) => m[1]);
  expect(mentioned.length).toBeGreaterThan(5);
  for (const s of mentioned) expect([s, s in pkg.scripts]).toEqual([s, true]);
});

test("every secret key the README documents is one the program reads, and the other way round", () => {
  const { SECRET_KEYS, DOMAIN_SECRET_KEYS } = jest.requireActual("../../lib/compile") as typeof import("../../lib/compile");
  const section = readme.split("pulumi config set --secret")[1].split("\n## ")[0];
  const documented = [...section.matchAll(/`([a-zA-Z]+)`/g)].map((m) => m[1]).filter((k) => /^[a-z]+[A-Z]/.test(k) || k === "kubeconfig");
  expect(documented.filter((k) => !k.includes(".")).sort()).toEqual(Object.values(SECRET_KEYS).sort());
  // Per-domain keys are documented as <key>-<domain>.
  expect([...section.matchAll(/`([a-zA-Z]+)-<domain>`/g)].map((m) => m[1]).sort()).toEqual(Object.values(DOMAIN_SECRET_KEYS).sort());
});
