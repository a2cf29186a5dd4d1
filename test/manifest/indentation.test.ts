import * as fs from "fs";
import * as path from "path";
import { formatError, validateMesh } from "../../lib/manifest";
import { indentationHint } from "../../lib/manifest/indentation";
import { ROOT } from "../helpers/settings";
import { FIXTURES } from "../helpers/manifests";

const alpha = fs.readFileSync(path.join(FIXTURES, "mesh", "alpha.yaml"), "utf8");
const errorsOf = (text: string) => validateMesh([{ file: "alpha.yaml", text }]).errors.map(formatError);
const once = (from: string, to: string) => {
  expect(alpha.split(from).length).toBe(2);
  return alpha.replace(from, to);
};

describe("an indentation mistake is one error, with a hint", () => {
  it.each([
    [
      "a key one space left of its siblings",
      "          description: Region.\n        - name: balance\n",
      "         description: Region.\n        - name: balance\n",
      'alpha.yaml:66:10: (file): this line is indented 9 spaces, which lines up with no key or list item above it (YAML parser: "bad indentation of a sequence entry"); the indentation of the key or list item it belongs with: 0, 2, 4, 6, 8 spaces here (YAML nests by indentation)',
    ],
    [
      "a key one space right of its siblings",
      "          description: Region.\n        - name: balance\n",
      "           description: Region.\n        - name: balance\n",
      'alpha.yaml:66:12: (file): this line is indented 11 spaces, deeper than the line above, which opens nothing to nest under (YAML parser: "bad indentation of a mapping entry"); 10 spaces, like the line above; or put it under a key that ends with \':\'',
    ],
    [
      "a key of a list item indented like the items",
      "          description: Region.\n        - name: balance\n",
      "        description: Region.\n        - name: balance\n",
      'alpha.yaml:66:9: (file): this key is indented like the list items ("- ") above it (YAML parser: "bad indentation of a mapping entry"); 10 spaces, to be a key of the item above; or a new item starting with "- "',
    ],
    [
      "a list item indented like the keys",
      "        - name: region\n          physicalType: STRING\n          description: Region.\n        - name: balance\n",
      "      - name: region\n          physicalType: STRING\n          description: Region.\n        - name: balance\n",
      'alpha.yaml:64:7: (file): this list item ("- ") is indented like the keys above it (YAML parser: "bad indentation of a sequence entry"); the indentation of the list it belongs to (more than the key that holds the list)',
    ],
    [
      "a tab",
      "          description: Region.\n        - name: balance\n",
      "\t  description: Region.\n        - name: balance\n",
      'alpha.yaml:66:1: (file): a tab in the indentation (YAML parser: "tab characters must not be used in indentation"); spaces only: YAML does not allow tabs in indentation',
    ],
    [
      "nested fields beside their key (valid YAML)",
      "          personalData:\n            category: email\n            erasure: delete\n            legalBasis: contract\n            purpose: Notices.\n",
      "          personalData:\n          category: email\n          erasure: delete\n          legalBasis: contract\n          purpose: Notices.\n",
      'alpha.yaml:59:11: spec.datasets[0].columns[2].personalData: "personalData" is empty and "category", "erasure", "legalBasis", "purpose" sit beside it: they belong under it; indent category, erasure, legalBasis, purpose deeper than personalData (YAML nests by indentation)',
    ],
    [
      "retention's fields beside it",
      "      retention:\n        period: P1Y\n        column: updated_at\n",
      "      retention:\n      period: P1Y\n      column: updated_at\n",
      'alpha.yaml:30:7: spec.datasets[0].retention: "retention" is empty and "period", "column" sit beside it: they belong under it; indent period, column deeper than retention (YAML nests by indentation)',
    ],
  ])("%s", (_name, from, to, error) => {
    expect(errorsOf(once(from, to))).toEqual([error]);
  });

  it("finds nothing wrong in the shipped and fixture manifests, nor in a list at its key's indentation", () => {
    const dirs = [path.join(ROOT, "domains"), path.join(FIXTURES, "mesh")];
    for (const dir of dirs) for (const f of fs.readdirSync(dir).filter((x) => x.endsWith(".yaml"))) expect([f, indentationHint(fs.readFileSync(path.join(dir, f), "utf8"))]).toEqual([f, undefined]);
    const a = alpha.indexOf("      columns:\n") + "      columns:\n".length;
    // The columns list ends at the dataset's next key (sequenceBy), which keeps its indentation.
    const b = alpha.indexOf("      sequenceBy: updated_at");
    const compact = alpha.slice(0, a) + alpha.slice(a, b).split("\n").map((l) => l.replace(/^ {2}/, "")).join("\n") + alpha.slice(b);
    expect(indentationHint(compact)).toBeUndefined();
    expect(errorsOf(compact)).toEqual([]);
  });

  it("gives at most one error for any single line of a shipped manifest shifted by one space", () => {
    const text = fs.readFileSync(path.join(ROOT, "domains", "core-business.yaml"), "utf8");
    const lines = text.split("\n");
    let broken = 0;
    for (let i = 3; i < lines.length; i += 5) {
      if (!/^ +[a-z-]/.test(lines[i])) continue;
      for (const shifted of [" " + lines[i], lines[i].slice(1)]) {
        const errors = validateMesh([{ file: "core-business.yaml", text: [...lines.slice(0, i), shifted, ...lines.slice(i + 1)].join("\n") }]).errors;
        expect([i + 1, errors.length <= 1]).toEqual([i + 1, true]);
        broken += errors.length;
      }
    }
    expect(broken).toBeGreaterThan(20);
  });
});
