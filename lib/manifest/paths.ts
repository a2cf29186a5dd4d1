/** A field path as a list of object keys and array indices. */
export type FieldPath = readonly (string | number)[];

/** JSON pointer (RFC 6901) of a path; the key of the source map. */
export function toPointer(path: FieldPath): string {
  return path.map((s) => "/" + String(s).replace(/~/g, "~0").replace(/\//g, "~1")).join("");
}

export function fromPointer(pointer: string): (string | number)[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

/** Display form: `spec.datasets[2].name`; odd keys are JSON-quoted so an error line never carries raw control characters. */
export function displayPath(path: FieldPath): string {
  if (path.length === 0) return "(root)";
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg.length > 60 ? `${seg.slice(0, 60)}...` : seg)}]`;
  }
  return out;
}
