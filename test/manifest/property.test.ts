import fc from "fast-check";
import { parse, parseAllDocuments, stringify } from "yaml";
import { ManifestError, parseManifestSource, validateMesh } from "../../lib/manifest";
import { baselineMesh } from "../helpers/manifests";

type Path = (string | number)[];
const [alpha, beta] = baselineMesh();
const base = parse(alpha.text) as Record<string, unknown>;

/** Every path in a JSON value, parents before children. */
function pathsOf(v: unknown, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...pathsOf(x, [...at, i])));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) out.push(...pathsOf(x, [...at, k]));
  return out;
}
const ALL_PATHS = pathsOf(base).filter((p) => p.length > 0);

/** Paths whose string value becomes a SQL identifier, a Python string or a topic name. */
const IDENTIFIER = [
  /^metadata\.name$/,
  /^spec\.topics\.\d+\.(name|key)$/,
  /^spec\.datasets\.\d+\.(name|subjectKey|tenantKey)$/,
  /^spec\.datasets\.\d+\.columns\.\d+\.name$/,
  /^spec\.datasets\.\d+\.source\.(topic|datasets\.\d+\.(dataset|domain)|datasets\.\d+\.join\.on\.\d+)$/,
  /^spec\.datasets\.\d+\.(clusterBy\.\d+|retention\.column|expectations\.\d+\.name)$/,
  /^spec\.datasets\.\d+\.aggregate\.(groupBy\.\d+|measures\.\d+\.(name|column))$/,
  /^spec\.consumers\.\d+\.(domain|datasets\.\d+|topics\.\d+)$/,
];
const isIdentifierPath = (p: Path) => IDENTIFIER.some((re) => re.test(p.join(".")));
const IDENTIFIER_PATHS = ALL_PATHS.filter((p) => isIdentifierPath(p) && typeof getAt(base, p) === "string");

function getAt(v: unknown, p: Path): unknown {
  return p.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)?.[k], v);
}
function setAt(v: unknown, p: Path, value: unknown | typeof DELETE): unknown {
  const copy = structuredClone(v) as Record<string | number, unknown>;
  const parent = getAt(copy, p.slice(0, -1)) as Record<string | number, unknown>;
  const key = p[p.length - 1];
  if (value === DELETE) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else parent[key] = value;
  return copy;
}
const DELETE = Symbol("delete");

const hostile = fc.oneof(
  fc.constantFrom("'", '"', ";", "`", "--", "/*", "\\", " ", "\n", "$", "\u0000", "é", "名", "😀", "DROP TABLE x", "') OR 1=1 --"),
  fc.string({ unit: "binary", maxLength: 20 }),
);
const injected = fc.tuple(fc.constantFrom("", "a", "tenant_id", "accounts"), hostile, fc.constantFrom("", "x", "_y")).map(([a, b, c]) => a + b + c);
const anyValue = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: false }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constant("x".repeat(5000)),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string(), { maxKeys: 3 }),
);

function assertLocated(errors: readonly ManifestError[], files: string[]): void {
  for (const e of errors) {
    expect(files).toContain(e.file);
    expect(Number.isInteger(e.line) && e.line >= 1).toBe(true);
    expect(Number.isInteger(e.column) && e.column >= 1).toBe(true);
    expect(e.path.length).toBeGreaterThan(0);
    expect(e.message.length).toBeGreaterThan(0);
    expect(e.allowed.length).toBeGreaterThan(0);
    expect(`${e.path}${e.message}${e.allowed}`).not.toMatch(/[\n\r\u0000]/);
  }
}

/** After a clean validation, every identifier in the mesh is a plain snake- or kebab-case name. */
function assertIdentifiersSafe(manifests: readonly { manifest: unknown }[]): void {
  for (const m of manifests) {
    for (const p of pathsOf(m.manifest)) {
      const v = getAt(m.manifest, p);
      if (isIdentifierPath(p) && typeof v === "string") expect(v).toMatch(/^[a-z][a-z0-9]*([_-][a-z0-9]+)*$/);
    }
  }
}

function validate(mutated: unknown) {
  const files = [{ file: alpha.file, text: stringify(mutated) }, beta];
  return validateMesh(files);
}

describe("manifest validation under mutation", () => {
  it("drops keys or retypes values: only located errors, never a crash", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ALL_PATHS), fc.oneof(fc.constant<typeof DELETE>(DELETE), anyValue), (p, value) => {
        const r = validate(setAt(base, p, value));
        assertLocated(r.errors, [alpha.file, beta.file]);
        if (r.errors.length === 0) assertIdentifiersSafe(r.manifests);
      }),
      { numRuns: 400 },
    );
  });

  it("never passes an identifier carrying quotes, semicolons, backticks, spaces or non-ASCII", () => {
    fc.assert(
      fc.property(fc.constantFrom(...IDENTIFIER_PATHS), injected, (p, value) => {
        fc.pre(!/^[a-z][a-z0-9]*([_-][a-z0-9]+)*$/.test(value));
        const r = validate(setAt(base, p, value));
        expect(r.errors.length).toBeGreaterThan(0);
        assertLocated(r.errors, [alpha.file, beta.file]);
      }),
      { numRuns: 400 },
    );
  });

  it("survives arbitrary edits of the YAML text", () => {
    fc.assert(
      fc.property(fc.nat(alpha.text.length), fc.nat(40), fc.string({ unit: "binary", maxLength: 30 }), (at, cut, insert) => {
        const text = alpha.text.slice(0, at) + insert + alpha.text.slice(at + cut);
        const r = validateMesh([{ file: alpha.file, text }, beta]);
        assertLocated(r.errors, [alpha.file, beta.file]);
        if (r.errors.length === 0) assertIdentifiersSafe(r.manifests);
      }),
      { numRuns: 400 },
    );
  });

  // A second, independent YAML 1.2 parser: what lakemesh accepts, it must read as the reference does.
  const reference = (text: string): { ok: boolean; value?: unknown } => {
    const docs = parseAllDocuments(text, { uniqueKeys: true, strict: true, version: "1.2" });
    const list = Array.isArray(docs) ? docs : [];
    if (list.length !== 1 || list[0].errors.length > 0 || list[0].warnings.length > 0) return { ok: false };
    return { ok: true, value: list[0].toJS({ maxAliasCount: 100 }) };
  };

  it("never accepts what the reference YAML parser reads differently", () => {
    fc.assert(
      fc.property(fc.nat(alpha.text.length), fc.nat(40), fc.string({ unit: "binary", maxLength: 30 }), (at, cut, insert) => {
        const text = alpha.text.slice(0, at) + insert + alpha.text.slice(at + cut);
        const fast = parseManifestSource(alpha.file, text);
        const located = reference(text);
        if (fast.ok) {
          expect(located.ok).toBe(true);
          expect(located.value).toEqual(fast.value);
        } else {
          assertLocated(fast.errors, [alpha.file]);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
