import { parseDuration, parseSemver } from "../../lib/manifest";

const DAY = 86_400_000;

describe("parseDuration", () => {
  it.each([
    ["PT15M", 15 * 60_000],
    ["PT1H30M", 90 * 60_000],
    ["P7D", 7 * DAY],
    ["P2W", 14 * DAY],
    ["P1M", 30 * DAY],
    ["P1Y", 365 * DAY],
    ["P1Y6M", 545 * DAY],
    ["P395D", 395 * DAY],
    ["P1DT12H", 1.5 * DAY],
    ["P0D", 0],
  ])("%s is %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["", "P", "PT", "7D", "P7", "P1DT", "PT1D", "P-1D", "p7d", "P7D ", "P1.5D", "P1H", "PT0.5S", "P7D\n"])("rejects %j", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe("parseSemver", () => {
  it.each([
    ["1.0.0", { major: 1, minor: 0, patch: 0 }],
    ["0.1.2-rc.1+build.5", { major: 0, minor: 1, patch: 2 }],
    ["10.20.30", { major: 10, minor: 20, patch: 30 }],
  ])("%s", (text, v) => {
    expect(parseSemver(text)).toEqual(v);
  });

  it.each(["v1.0.0", "1.0", "01.0.0", "1.0.0-", "1.0.0.0", "", "99999999999999999999.0.0"])("rejects %j", (text) => {
    expect(parseSemver(text)).toBeUndefined();
  });
});
