// Validation against the vendored official ODCS v3.1.0 JSON Schema (odcs-schema/README.md says where it came from).
import Ajv2019, { type ValidateFunction } from "ajv/dist/2019";
import addFormats from "ajv-formats";
import schema from "./odcs-schema/odcs-json-schema-v3.1.0.json";

let compiled: ValidateFunction | undefined;

/** Schema errors of one ODCS document, as `<instance path> <message>`; empty when valid. */
export function odcsSchemaErrors(doc: unknown): string[] {
  if (!compiled) {
    // strict off: the official schema uses annotations (examples, deprecated) and if/then without types, which
    // Ajv's strict mode rejects; the schema itself is what it is.
    const ajv = new Ajv2019({ allErrors: true, strict: false });
    addFormats(ajv);
    compiled = ajv.compile(schema);
  }
  if (compiled(doc)) return [];
  return (compiled.errors ?? []).map((e) => `${e.instancePath || "(root)"} ${e.message}${e.params && "additionalProperty" in e.params ? ` (${String(e.params.additionalProperty)})` : ""}${e.params && "unevaluatedProperty" in e.params ? ` (${String(e.params.unevaluatedProperty)})` : ""}`);
}
