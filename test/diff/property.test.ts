// Properties of the contract diff on the shipped mesh: compatible edits, in any number and order, never read as
// breaking; removing any column of an active dataset always does, and fails the gate without a major bump.
import fc from "fast-check";
import { diffMeshes, widens } from "../../lib/diff";
import { decimalParts, type Dataset, type DomainManifest } from "../../lib/manifest";
import { shippedMesh } from "../helpers/settings";

const BASE: readonly DomainManifest[] = shippedMesh().domains;
const clone = (): DomainManifest[] => structuredClone(BASE) as DomainManifest[];
const PERSONAS = ["data_scientist", "internal_analyst", "client_admin", "api_service", "bi_service"] as const;

/** A wider type for a column type, if this test knows one. */
function wider(t: string): string | undefined {
  const next: Record<string, string> = { TINYINT: "SMALLINT", SMALLINT: "INT", INT: "BIGINT", FLOAT: "DOUBLE", DATE: "TIMESTAMP_NTZ" };
  const d = decimalParts(t);
  const w = d ? `DECIMAL(${Math.min(38, d.precision + 2)},${d.scale})` : next[t];
  return w && widens(t, w) ? w : undefined;
}

type Edit = (mesh: DomainManifest[]) => void;
/** Picks a dataset by two indexes, whatever the mesh's shape. */
const pick = (mesh: DomainManifest[], d: number, s: number): [DomainManifest, Dataset] => {
  const domain = mesh[d % mesh.length];
  return [domain, domain.spec.datasets[s % domain.spec.datasets.length]];
};

const idx = fc.nat(1000);
const word = fc.stringMatching(/^[a-z]{3,10}$/);

/** Edits the domain guide calls compatible or cosmetic. */
const compatibleEdit: fc.Arbitrary<Edit> = fc.oneof(
  fc.tuple(idx, idx, word).map(([d, s, w]): Edit => (m) => {
    const [, ds] = pick(m, d, s);
    const name = `added_${w}`;
    if (!ds.columns.some((c) => c.name === name)) ds.columns.push({ name, physicalType: "STRING", description: `Added ${w}.` });
  }),
  fc.tuple(idx, idx, idx).map(([d, s, c]): Edit => (m) => {
    const [, ds] = pick(m, d, s);
    const col = ds.columns[c % ds.columns.length];
    const w = wider(col.physicalType);
    if (w) {
      col.physicalType = w;
      delete col.logicalType;
    }
  }),
  fc.tuple(idx, idx, idx, word).map(([d, s, c, w]): Edit => (m) => {
    const [, ds] = pick(m, d, s);
    ds.columns[c % ds.columns.length].description += ` ${w}.`;
  }),
  fc.tuple(idx, idx, word).map(([d, s, w]): Edit => (m) => {
    const [, ds] = pick(m, d, s);
    ds.description = `${ds.description} ${w}`;
  }),
  fc.tuple(idx, idx, fc.constantFrom(...PERSONAS), fc.boolean()).map(([d, s, p, grant]): Edit => (m) => {
    const [, ds] = pick(m, d, s);
    const access = new Set(ds.access ?? []);
    if (grant) access.add(p);
    else access.delete(p);
    ds.access = [...access];
  }),
  fc.tuple(idx, idx, fc.integer({ min: 1, max: 5 })).map(([d, s, years]): Edit => (m) => {
    const [, ds] = pick(m, d, s);
    // Longer only: retention is lengthened by whole years on top of what it was.
    if (ds.retention) ds.retention.period = ds.retention.period.replace(/^P(\d+)Y/, (_x, n) => `P${Number(n) + years}Y`);
  }),
  fc.tuple(idx, idx, word).map(([d, s, w]): Edit => (m) => {
    const [, ds] = pick(m, d, s);
    ds.expectations = [...(ds.expectations ?? []), { name: `check_${w}`, predicate: `${ds.columns[0].name} IS NOT NULL`, onViolation: "warn" }];
  }),
  fc.tuple(idx, idx).map(([d, s]): Edit => (m) => {
    const [, ds] = pick(m, d, s);
    if (ds.contract.lifecycle === "active") ds.contract.lifecycle = "deprecated";
  }),
  fc.tuple(idx, idx, fc.constantFrom("minor", "patch")).map(([d, s, level]): Edit => (m) => {
    const [, ds] = pick(m, d, s);
    const [maj, min, pat] = ds.contract.version.split(".").map(Number);
    ds.contract.version = level === "minor" ? `${maj}.${min + 1}.0` : `${maj}.${min}.${pat + 1}`;
  }),
  fc.tuple(idx, word).map(([d, w]): Edit => (m) => {
    const domain = m[d % m.length];
    domain.metadata.description += ` ${w}.`;
    domain.spec.sla.availability = Math.min(100, domain.spec.sla.availability + 0.05);
  }),
  fc.tuple(idx, idx).map(([d, s]): Edit => (m) => {
    const [domain, ds] = pick(m, d, s);
    const copy = structuredClone(ds);
    copy.name = `${ds.name.slice(0, 50)}_copy`;
    copy.contract = { version: "0.1.0", lifecycle: "draft" };
    if (!domain.spec.datasets.some((x) => x.name === copy.name)) domain.spec.datasets.push(copy);
  }),
);

describe("contract diff properties (shipped mesh)", () => {
  it("any sequence of compatible changes never reports a breaking change", () => {
    fc.assert(
      fc.property(fc.array(compatibleEdit, { minLength: 1, maxLength: 12 }), (edits) => {
        const head = clone();
        for (const e of edits) e(head);
        const diff = diffMeshes(BASE, head);
        const breaking = diff.domains.flatMap((d) => d.datasets.flatMap((x) => x.changes.filter((c) => c.class === "breaking").map((c) => `${x.dataset}: ${c.detail}`)));
        expect(breaking).toEqual([]);
        expect(diff.failures).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  const columns = BASE.flatMap((d) => d.spec.datasets.filter((ds) => ds.contract.lifecycle === "active").flatMap((ds) => ds.columns.map((c) => [d.metadata.name, ds.name, c.name] as const)));

  it("removing any column of an active dataset is breaking and, without a major bump, fails the gate", () => {
    expect(columns.length).toBeGreaterThan(100);
    fc.assert(
      fc.property(fc.constantFrom(...columns), fc.array(compatibleEdit, { maxLength: 6 }), ([domain, dataset, column], edits) => {
        const head = clone();
        for (const e of edits) e(head);
        const ds = head.find((d) => d.metadata.name === domain)!.spec.datasets.find((x) => x.name === dataset)!;
        ds.columns = ds.columns.filter((c) => c.name !== column);
        const diff = diffMeshes(BASE, head);
        const x = diff.domains.find((d) => d.domain === domain)!.datasets.find((d) => d.dataset === dataset)!;
        // Removed, or read as renamed when an added column of the same type took its place: breaking either way.
        const gone = x.changes.filter((c) => c.kind === "column-removed" || c.kind === "column-renamed");
        expect(gone.map((c) => [c.class, c.columns])).toEqual([["breaking", [column]]]);
        expect(x.requiredBump).toBe("major");
        expect(x.failures.some((f) => f.startsWith("breaking change without a major version bump"))).toBe(true);
        expect(diff.failures.length).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });

  it("every column of every active dataset, removed on its own, is caught (exhaustive)", () => {
    const missed = columns.filter(([domain, dataset, column]) => {
      const head = clone();
      const ds = head.find((d) => d.metadata.name === domain)!.spec.datasets.find((x) => x.name === dataset)!;
      ds.columns = ds.columns.filter((c) => c.name !== column);
      return !diffMeshes(BASE, head).failures.some((f) => f.startsWith(`${domain}.${dataset}: breaking change without a major version bump`));
    });
    expect(missed).toEqual([]);
  });
});
