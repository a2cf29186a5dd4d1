import { principalCollisionErrors, stackManifestErrors, type Settings } from "../../lib/compile";
import { cronInterval, cronLongestGap, formatError, validateMesh } from "../../lib/manifest";
import { applyChanges, baselineMesh, type Change } from "../helpers/manifests";
import { stackSettings } from "../helpers/settings";

const A = "alpha.yaml" as const;
const manifests = (...changes: Change[]) => validateMesh(applyChanges(baselineMesh(), changes)).manifests;
const withSettings = (patch: (s: Settings) => Settings) => patch(structuredClone(stackSettings("dev")));
const pipeline = (yaml: string): Change => ({ file: A, from: "spec:\n", to: `spec:\n  pipeline:\n${yaml}` });

describe("cronLongestGap: the longest time between two firings of a daily Quartz cron (the survival table's VACUUM wait)", () => {
  it.each([
    ["0 0 2 * * ?", 86_400],
    ["0 0 2 ? * *", 86_400],
    ["0 0 2,14 * * ?", 43_200],
    ["0 0 1,2 * * ?", 82_800],
    ["0 0/15 * * * ?", 900],
    ["0 0 2 ? * SUN", null],
    ["0 0 2 1 * ?", null],
    ["0 0 2 * * ? 2027", null],
    ["0 0 25 * * ?", null],
    ["0 0 2 * *", null],
  ])("%s -> %p", (expr, gap) => expect(cronLongestGap(expr)).toBe(gap));
});

describe("cronInterval: the shortest time between two firings of a Quartz cron", () => {
  it.each([
    ["0 0/15 * * * ?", 900],
    ["* * * * * ?", 1],
    ["0/10 * * * * ?", 10],
    ["5,10 * * * * ?", 5],
    ["0 0 2 * * ?", 86_400],
    ["0 0,30 9-17 ? * MON-FRI", 1800],
    ["0 0 0/6 * * ?", 21_600],
    ["0 30 * * * ?", 3600],
    ["0 0 23,1 * * ? 2030", 7200],
    ["0 15-20/5 * * * ?", 300],
  ])("%s: %d s", (expr, seconds) => {
    expect(cronInterval(expr)).toEqual({ ok: true, seconds });
  });

  it.each([
    ["0 * * * *", "has 5 fields"],
    ["60 * * * * ?", '"60" is outside 0-59 in the seconds field'],
    ["0 0 24 * * ?", '"24" is outside 0-23 in the hours field'],
    ["0 5-1 * * * ?", '"5-1" is outside 0-59 in the minutes field'],
    ["0 0/0 * * * ?", '"0/0" has a step of 0 in the minutes field'],
    ["L * * * * ?", '"L" is not a value, range or step of the seconds field'],
  ])("refuses %s", (expr, problem) => {
    expect(cronInterval(expr)).toEqual({ ok: false, problem });
  });
});

describe("stack limits on the domains a stack deploys", () => {
  it("passes the baseline mesh on the dev stack", () => {
    expect(stackManifestErrors(stackSettings("dev"), manifests())).toEqual([]);
  });

  it("refuses a schedule that fires more often than the stack allows, located", () => {
    const errors = stackManifestErrors(stackSettings("dev"), manifests(pipeline('    schedule: "0/30 * * * * ?"\n')));
    expect(errors.map(formatError)).toEqual([
      'mesh/alpha.yaml:12:15: spec.pipeline.schedule: "0/30 * * * * ?" can fire every 30 seconds; a schedule that fires at most every 5 minutes (lakemesh:databricks.minScheduleIntervalMinutes of stack dev)',
    ]);
    const relaxed = withSettings((s) => ({ ...s, databricks: { ...s.databricks, minScheduleIntervalMinutes: 1 } }));
    expect(stackManifestErrors(relaxed, manifests(pipeline('    schedule: "0 * * * * ?"\n')))).toEqual([]);
  });

  it("allows a continuous pipeline only to the domains the stack lists", () => {
    const continuous = manifests(pipeline("    mode: continuous\n"));
    expect(stackManifestErrors(stackSettings("dev"), continuous).map(formatError)).toEqual([
      'mesh/alpha.yaml:12:11: spec.pipeline.mode: domain "alpha" asks for an always-on continuous pipeline, which stack dev does not allow it; mode: triggered with a schedule, or the platform team adds "alpha" to lakemesh:databricks.continuousPipelines',
    ]);
    const allowed = withSettings((s) => ({ ...s, databricks: { ...s.databricks, continuousPipelines: ["alpha"] } }));
    expect(stackManifestErrors(allowed, continuous)).toEqual([]);
    // A domain stack checks only its own domain.
    expect(stackManifestErrors(withSettings((s) => ({ ...s, mode: "domain", domain: "beta" })), continuous)).toEqual([]);
  });

  it("refuses a domain whose group or Kafka principal is a platform principal of the stack", () => {
    const s = withSettings((x) => ({ ...x, personas: { ...x.personas, data_scientist: "lakemesh-dev-domain-alpha" }, kafka: { ...x.kafka, saslUsername: "lakemesh-beta-producer" } }));
    expect(principalCollisionErrors(s, manifests()).map(formatError)).toEqual([
      'mesh/alpha.yaml:4:9: metadata.name: domain "alpha" would act as lakemesh-dev-domain-alpha, which is the data_scientist persona in stack dev; a domain name whose group and Kafka principals are not the platform\'s',
      'mesh/beta.yaml:4:9: metadata.name: domain "beta" would act as User:lakemesh-beta-producer, which is Pulumi\'s Kafka user in stack dev; a domain name whose group and Kafka principals are not the platform\'s',
    ]);
  });
});
