import Ajv2020, { ErrorObject, ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import manifestSchema from "./schema.json";
import { ManifestError, quote } from "./errors";
import { displayPath, fromPointer } from "./paths";
import { SourceMap } from "./source";
import type { DomainManifest } from "./types.gen";

/** The manifest JSON Schema (draft 2020-12), the single source of manifest types and allowed values. */
export const MANIFEST_SCHEMA = manifestSchema;

type JsonSchema = Record<string, unknown>;
const defs = (manifestSchema as unknown as { $defs: Record<string, JsonSchema> }).$defs;

/** Allowed values of an enum in the schema, e.g. `schemaEnum("PersonalData", "category")`. */
export function schemaEnum<T extends string>(def: string, property?: string): readonly T[] {
  const node = property ? (defs[def].properties as Record<string, JsonSchema>)[property] : defs[def];
  const values = node?.enum;
  if (!Array.isArray(values)) throw new Error(`schema has no enum at $defs.${def}${property ? "." + property : ""}`);
  return values as T[];
}

/** The regular expression of a pattern definition in the schema, e.g. `schemaPattern("SqlName")`. */
export function schemaPattern(def: string): RegExp {
  const p = defs[def]?.pattern;
  if (typeof p !== "string") throw new Error(`schema has no pattern at $defs.${def}`);
  return new RegExp(p);
}

let compiled: ValidateFunction<DomainManifest> | undefined;
function validator(): ValidateFunction<DomainManifest> {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
    addFormats(ajv, ["email"]);
    // Annotation only: the human wording of what a field allows, used in error messages.
    ajv.addKeyword({ keyword: "x-allowed", schemaType: "string" });
    compiled = ajv.compile<DomainManifest>(manifestSchema);
  }
  return compiled;
}

/** Validates one parsed manifest against the JSON Schema. Returns located errors; none means `value` is a DomainManifest. */
export function validateSchema(file: string, value: unknown, sourceMap: SourceMap): ManifestError[] {
  const validate = validator();
  if (validate(value)) return [];
  return fieldsBesideTheirKey(oneErrorPerAnyOf(validate.errors ?? [])).map((e) => toManifestError(file, e, sourceMap));
}

/** Properties a schema allows, through $ref and anyOf branches. */
function propertiesOf(schema: unknown): string[] {
  const s = resolve(schema);
  const own = Object.keys((s.properties ?? {}) as object);
  return [...own, ...((s.anyOf as unknown[] | undefined) ?? []).flatMap(propertiesOf)];
}

/**
 * `retention:` left empty with `period:` and `column:` beside it instead of under it (indented like the key, not
 * deeper) is valid YAML, and ajv reports it as an empty value plus an unknown field per nested key. One error says
 * what happened: the empty key, the fields that belong under it, and to indent them.
 */
function fieldsBesideTheirKey(errors: readonly ErrorObject[]): ErrorObject[] {
  const drop = new Set<ErrorObject>();
  const add: ErrorObject[] = [];
  for (const e of errors) {
    if (e.data !== null || !["type", "anyOf"].includes(e.keyword)) continue;
    const path = fromPointer(e.instancePath);
    const key = path[path.length - 1];
    if (typeof key !== "string") continue;
    const parent = e.instancePath.slice(0, e.instancePath.lastIndexOf("/"));
    const fields = new Set(propertiesOf(e.parentSchema));
    const beside = errors.filter((x) => x.keyword === "additionalProperties" && x.instancePath === parent && fields.has(String((x.params as { additionalProperty: string }).additionalProperty)));
    if (beside.length === 0) continue;
    drop.add(e);
    for (const x of beside) drop.add(x);
    add.push({ ...e, keyword: "x-beside", params: { key, fields: beside.map((x) => String((x.params as { additionalProperty: string }).additionalProperty)) } });
  }
  return [...errors.filter((e) => !drop.has(e)), ...add];
}

/**
 * A value that fits no branch of an anyOf (personalData: an object, or false) makes ajv report every branch's
 * complaint plus the anyOf itself. Keep what helps: when the value took a branch's shape (an object with a wrong or
 * missing field), that branch's errors; otherwise the one anyOf error, which says what is allowed.
 */
function oneErrorPerAnyOf(errors: readonly ErrorObject[]): ErrorObject[] {
  const drop = new Set<ErrorObject>();
  for (const a of errors.filter((e) => e.keyword === "anyOf")) {
    const at = a.instancePath;
    const branches = errors.filter((e) => e !== a && (e.instancePath === at || e.instancePath.startsWith(`${at}/`)));
    const shaped = branches.filter((e) => e.instancePath !== at || !["type", "const", "enum"].includes(e.keyword));
    for (const e of branches) if (!shaped.includes(e)) drop.add(e);
    if (shaped.length > 0) drop.add(a);
  }
  return errors.filter((e) => !drop.has(e));
}

function resolve(schema: unknown): JsonSchema {
  let s = (schema ?? {}) as JsonSchema;
  for (let i = 0; i < 8 && typeof s.$ref === "string"; i++) {
    s = defs[(s.$ref as string).replace("#/$defs/", "")] ?? {};
  }
  return s;
}

function allowedOf(schema: unknown): string {
  const s = resolve(schema);
  if (typeof s["x-allowed"] === "string") return s["x-allowed"] as string;
  if (Array.isArray(s.enum)) return `one of ${s.enum.join(", ")}`;
  if (s.type === "object" && s.properties) {
    const req = (s.required as string[] | undefined) ?? [];
    return `an object with ${req.length ? "required fields " + req.join(", ") : "fields " + Object.keys(s.properties).join(", ")}`;
  }
  if (s.type === "array") return "a list";
  return typeof s.type === "string" ? `a ${s.type}` : "see domains/README.md";
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "list";
  if (typeof v === "object") return "object";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function toManifestError(file: string, e: ErrorObject, sourceMap: SourceMap): ManifestError {
  const path = fromPointer(e.instancePath);
  const parent = e.parentSchema as JsonSchema | undefined;
  let at: (string | number)[] = path;
  let prefer: "value" | "key" = "value";
  let message: string;
  let allowed = allowedOf(parent);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "required": {
      const field = String(p.missingProperty);
      const props = (parent?.properties ?? {}) as Record<string, unknown>;
      message = `missing required field "${field}"`;
      allowed = `${field}: ${allowedOf(props[field])}`;
      break;
    }
    case "additionalProperties": {
      const field = String(p.additionalProperty);
      at = [...path, field];
      prefer = "key";
      message = `unknown field ${quote(field)}`;
      allowed = `fields allowed here: ${Object.keys((parent?.properties ?? {}) as object).join(", ")}`;
      break;
    }
    case "type":
      message = `expected ${String(p.type)}, got ${typeName(e.data)}`;
      break;
    case "enum":
    case "const":
    case "anyOf":
      message = `${quote(e.data)} is not allowed`;
      break;
    case "pattern":
      message = `${quote(e.data)} is not a valid name here`;
      break;
    case "format":
      message = `${quote(e.data)} is not a valid ${p.format}`;
      break;
    case "minLength":
    case "maxLength":
      message = `${quote(e.data)} has ${String(e.data).length} characters`;
      break;
    case "minimum":
    case "maximum":
      message = `${String(e.data)} is out of range`;
      break;
    case "minItems":
    case "maxItems":
      message = `list has ${(e.data as unknown[]).length} items`;
      break;
    case "x-beside": {
      const { key, fields } = p as { key: string; fields: string[] };
      prefer = "key";
      message = `"${key}" is empty and ${fields.map((f) => `"${f}"`).join(", ")} ${fields.length === 1 ? "sits" : "sit"} beside it: ${fields.length === 1 ? "it belongs" : "they belong"} under it`;
      allowed = `indent ${fields.join(", ")} deeper than ${key} (YAML nests by indentation)`;
      break;
    }
    case "uniqueItems":
      message = `items ${p.j} and ${p.i} are the same`;
      break;
    case "minProperties":
    case "maxProperties":
      message = `object has ${Object.keys(e.data as object).length} fields`;
      break;
    default:
      message = e.message ?? `fails ${e.keyword}`;
  }
  const pos = sourceMap.locate(at, prefer);
  return { file, line: pos.line, column: pos.column, path: displayPath(at), message, allowed, rule: "schema" };
}
