/** JSON with object keys sorted at every level, two-space indent: the same value always gives the same bytes. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2);
}

export function sortKeys(value: unknown): unknown {
  // Plain loops: this runs over every contract (tens of MB for a large mesh) and allocation is most of its cost.
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = sortKeys(value[i]);
    return out;
  }
  if (value !== null && typeof value === "object") {
    const src = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(src).sort()) {
      const v = src[k];
      if (v === undefined) continue;
      // Assigning "__proto__" would set the prototype instead of copying the key (as JSON.parse can produce).
      if (k === "__proto__") Object.defineProperty(out, k, { value: sortKeys(v), enumerable: true, writable: true, configurable: true });
      else out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}
