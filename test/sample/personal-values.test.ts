import { validateMesh } from "../../lib/manifest";
import { personalValueFlags, sampleDomainEvents } from "../../lib/sample";
import { applyChanges, baselineMesh } from "../helpers/manifests";
import { shippedMesh } from "../helpers/settings";

const options = { seed: 3, tenants: 2, volume: 20 };

describe("lakemesh sample flags values that look personal in columns not marked personal", () => {
  it("finds none in the shipped mesh, whose personal values all sit in personal columns", () => {
    for (const d of shippedMesh().domains) expect(personalValueFlags(d, sampleDomainEvents(d, options))).toEqual([]);
  });

  it("flags a column declared personalData: false whose values are e-mail addresses", () => {
    const files = applyChanges(baselineMesh(), [
      {
        file: "alpha.yaml",
        from: "          description: Region.\n        - name: balance\n",
        to: "          description: Region.\n          personalData: false\n          reason: Regions are sales territories of the tenant.\n          examples: [ana@example.com, bo@example.org]\n        - name: balance\n",
      },
    ]);
    const v = validateMesh(files);
    expect(v.errors).toEqual([]); // the team said it is not personal: validate takes their word, sample checks it
    const alpha = v.manifests.find((m) => m.manifest.metadata.name === "alpha")!.manifest;
    expect(personalValueFlags(alpha, sampleDomainEvents(alpha, options))).toEqual([{ topic: "alpha.accounts.v1", column: "region", category: "email", matched: 20, seen: 20 }]);
  });

  it("generates numbers for numeric personal columns, within their type", () => {
    const exercises = sampleDomainEvents(shippedMesh().byName.get("core-business")!, options).filter((e) => e.topic === "core-business.equity-exercises.v1");
    const taxes = exercises.map((e) => (JSON.parse(e.value) as { tax_withheld: unknown }).tax_withheld);
    expect(taxes.length).toBe(20);
    for (const t of taxes) expect(typeof t === "number" && Number.isFinite(t) && Math.round(t * 100) === t * 100).toBe(true);
  });
});
