import fc from "fast-check";
import { sortKeys, stableJson } from "../../lib/compile/json";

describe("stableJson", () => {
  it("gives the same bytes whatever the key order, at every level", () => {
    expect(stableJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe(stableJson({ a: { c: null, d: [{ y: 2, z: 1 }] }, b: 1 }));
    expect(stableJson({ b: 1, a: 2 })).toBe('{\n  "a": 2,\n  "b": 1\n}');
  });

  it("drops undefined properties and keeps array order (JSON's own rules otherwise)", () => {
    expect(stableJson({ a: undefined, b: [3, undefined, 1] })).toBe('{\n  "b": [\n    3,\n    null,\n    1\n  ]\n}');
    expect(sortKeys({ a: undefined })).toEqual({});
    expect(stableJson(JSON.parse('{"b": 1, "__proto__": {"x": 1}}'))).toBe('{\n  "__proto__": {\n    "x": 1\n  },\n  "b": 1\n}');
  });

  it("is JSON.stringify of the value with keys sorted, for any JSON value, and a fixed point", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (v, w) => {
        const value = { v, w };
        const out = stableJson(value);
        const parsed = JSON.parse(out);
        expect(parsed).toEqual(JSON.parse(JSON.stringify(value)));
        expect(stableJson(parsed)).toBe(out);
        expect(stableJson({ w, v })).toBe(out);
      }),
      { numRuns: 300 },
    );
  });
});
