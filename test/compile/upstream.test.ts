import fc from "fast-check";
import { main } from "../../cli/main";
import type { Io } from "../../cli/usage";
import { meshOf, upstreamDomains, UpstreamCycleError, type Mesh } from "../../lib/compile";
import type { DomainManifest } from "../../lib/manifest";
import { ROOT, shippedMesh } from "../helpers/settings";

/** A mesh of only what upstreamDomains reads: names and the domains each one's consumers name. */
function meshReading(reads: Record<string, string[]>): Mesh {
  const domains = Object.entries(reads).map(
    ([name, producers]) => ({ metadata: { name }, spec: { consumers: producers.map((domain) => ({ domain, datasets: ["d"], purpose: "p" })) } }) as unknown as DomainManifest,
  );
  return meshOf(domains);
}

describe("upstreamDomains", () => {
  it.each<[string, Record<string, string[]>, string, string[]]>([
    ["no consumers", { a: [] }, "a", []],
    ["one producer", { a: [], b: ["a"] }, "b", ["a"]],
    ["producers of producers come first", { a: [], b: ["a"], c: ["b"] }, "c", ["a", "b"]],
    ["a shared producer is listed once", { a: [], b: ["a"], c: ["a"], d: ["c", "b"] }, "d", ["a", "b", "c"]],
    ["a domain nobody upstream reads is left out", { a: [], b: ["a"], x: [], c: ["b"] }, "c", ["a", "b"]],
    ["a consumer declared twice for one producer counts once", { a: [], b: ["a", "a"] }, "b", ["a"]],
    ["producers read only by downstream domains are not upstream", { a: [], b: ["a"], c: ["b"] }, "a", []],
  ])("%s", (_, reads, domain, want) => {
    expect(upstreamDomains(meshReading(reads), domain)).toEqual(want);
  });

  it("names the cycle when consumers read each other", () => {
    const mesh = meshReading({ a: ["c"], b: ["a"], c: ["b"], d: ["a"] });
    expect(() => upstreamDomains(mesh, "d")).toThrow(new UpstreamCycleError(["a", "c", "b", "a"]));
  });

  it("refuses a domain that is not in the mesh", () => {
    expect(() => upstreamDomains(meshReading({ a: [] }), "zz")).toThrow('no domain "zz" in the mesh; domains: a');
  });

  it("puts every producer before each domain reading it, and lists every domain upstream, on random acyclic meshes", () => {
    // Domain i may only read domains with a smaller index: acyclic by construction.
    const meshes = fc.integer({ min: 1, max: 12 }).chain((n) =>
      fc.tuple(fc.constant(n), fc.array(fc.array(fc.nat(), { maxLength: 4 }), { minLength: n, maxLength: n })),
    );
    fc.assert(
      fc.property(meshes, ([n, picks]) => {
        const reads: Record<string, string[]> = {};
        picks.forEach((ps, i) => (reads[`d${String(i).padStart(2, "0")}`] = i === 0 ? [] : ps.map((p) => `d${String(p % i).padStart(2, "0")}`)));
        const mesh = meshReading(reads);
        const target = `d${String(n - 1).padStart(2, "0")}`;
        const order = upstreamDomains(mesh, target);
        // Closure: exactly the domains reachable through consumers.
        const reach = new Set<string>();
        const walk = (d: string) => reads[d].forEach((p) => (reach.has(p) ? undefined : (reach.add(p), walk(p))));
        walk(target);
        expect(new Set(order)).toEqual(reach);
        expect(order.length).toBe(reach.size);
        for (const d of order) for (const p of reads[d]) expect(order.indexOf(p)).toBeLessThan(order.indexOf(d));
      }),
    );
  });

  it("gives the shipped consumer domain its three producers", () => {
    expect(upstreamDomains(shippedMesh(), "outcomes-performance")).toEqual(["core-business", "usage-engagement", "users-identity"]);
    expect(upstreamDomains(shippedMesh(), "core-business")).toEqual([]);
  });
});

describe("lakemesh upstream", () => {
  async function run(argv: string[]) {
    let out = "";
    let err = "";
    const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), cwd: ROOT };
    return { code: await main(argv, io), out, err };
  }

  it("prints the producers first, as text or JSON", async () => {
    expect(await run(["upstream", "--domain", "outcomes-performance"])).toEqual({ code: 0, out: "core-business\nusage-engagement\nusers-identity\n", err: "" });
    expect(await run(["upstream", "--domain", "outcomes-performance", "--format", "json"])).toEqual({ code: 0, out: '["core-business","usage-engagement","users-identity"]\n', err: "" });
    expect(await run(["upstream", "--domain", "users-identity", "--format", "json"])).toEqual({ code: 0, out: "[]\n", err: "" });
  });

  it("refuses a missing or unknown domain with exit 2", async () => {
    const missing = await run(["upstream"]);
    expect([missing.code, missing.err.split("\n")[0]]).toEqual([2, "lakemesh upstream: --domain <name> is required"]);
    const unknown = await run(["upstream", "--domain", "nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('--domain "nope" is not a domain; one of: core-business, external-integrations');
  });
});
