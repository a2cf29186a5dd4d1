import * as fs from "fs";
import * as path from "path";
import { checkDuration, DURATION_PATTERN } from "../../lib/manifest";
import { ROOT } from "../helpers/settings";

// The same corpus runs against the Python grammar in test/python/test_durations.py.
const corpus = JSON.parse(fs.readFileSync(path.join(ROOT, "test", "fixtures", "durations.json"), "utf8")) as {
  valid: [string, number][];
  invalid: [string, "syntax" | "zero" | "too-long"][];
};

describe("the shared ISO 8601 duration grammar (TypeScript side)", () => {
  it.each(corpus.valid)("%j is %d seconds", (text, seconds) => {
    expect(checkDuration(text)).toEqual({ ok: true, ms: seconds * 1000 });
  });

  it.each(corpus.invalid)("%j is refused (%s)", (text, problem) => {
    expect(checkDuration(text)).toEqual({ ok: false, problem });
  });

  it("is the pattern the Python GDPR jobs use, character for character", () => {
    const py = fs.readFileSync(path.join(ROOT, "notebooks", "gdpr", "lakemesh_gdpr.py"), "utf8");
    const m = /^DURATION_PATTERN = r"([^"]+)"$/m.exec(py);
    expect(m?.[1]).toBe(DURATION_PATTERN);
  });
});
