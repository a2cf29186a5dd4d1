import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { listStacks, readStackConfig } from "../../cli/plan/stack-config";
import { ROOT } from "../helpers/settings";

const PER_STACK = new Set(["lakemesh:mode", "lakemesh:domain"]);
const config = (stack: string) => (parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> }).config;

describe("stack config files", () => {
  it("exist for the single stack, the platform stack and one example domain stack per environment", () => {
    expect(listStacks(ROOT)).toEqual(["dev", "dev-core-business", "dev-platform", "prod", "prod-core-business", "prod-platform"]);
  });

  it.each(["dev", "prod"])("of %s share every setting but mode and domain, so all its stacks compile the mesh alike", (env) => {
    const shared = (stack: string) => Object.fromEntries(Object.entries(config(stack)).filter(([k]) => !PER_STACK.has(k)));
    for (const stack of listStacks(ROOT).filter((s) => s.startsWith(`${env}-`))) expect([stack, shared(stack)]).toEqual([stack, shared(env)]);
  });

  it("say which layout they are", () => {
    expect(readStackConfig(ROOT, "prod").settings.mode).toBe("single");
    expect(readStackConfig(ROOT, "prod-platform").settings.mode).toBe("platform");
    expect(readStackConfig(ROOT, "prod-core-business").settings).toMatchObject({ mode: "domain", domain: "core-business" });
  });
});
