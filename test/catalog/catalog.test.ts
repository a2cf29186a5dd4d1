import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { catalogMarkdown, catalogOf, codeowners } from "../../lib/catalog";
import { readManifestFiles, validateMesh } from "../../lib/manifest";
import { fixtureMesh, ROOT } from "../helpers/settings";

describe("the catalog", () => {
  it("lists each dataset with version, lifecycle, owner, topic, personal columns and readers", () => {
    const [alpha, beta] = catalogOf(fixtureMesh().domains);
    expect(alpha.datasets[0]).toEqual({
      name: "accounts",
      description: "Accounts.",
      layer: "silver",
      version: "1.0.0",
      lifecycle: "active",
      owner: { team: "alpha-team", contact: "alpha@example.com" },
      topic: "alpha.accounts.v1",
      personalColumns: ["account_id", "email"],
      domains: [{ domain: "beta", acceptedMajor: null }],
      datasets: ["alpha.balances_by_region"],
      personas: ["internal_analyst"],
    });
    expect(beta.datasets.map((d) => [d.name, d.lifecycle, d.topic, d.domains])).toEqual([["account_kpis", "draft", null, []]]);
  });

  it("maps each manifest to its owners' teams, datasets' own owners included, after the platform catch-all", () => {
    const mesh = fixtureMesh().domains.map((m) => structuredClone(m));
    mesh[0].spec.datasets[1].owner = { team: "alpha-gold", contact: "gold@example.com" };
    expect(codeowners({ org: "acme", platformTeam: "data-platform" }, mesh.map((m) => ({ file: `domains/${m.metadata.name}.yaml`, manifest: m })))).toBe(
      [
        "# Generated from the owners in domains/*.yaml by `npm run gen:docs`. Do not edit; a test keeps it current.",
        "# The last matching pattern wins: the platform team owns everything no manifest owns.",
        "* @acme/data-platform",
        "/domains/alpha.yaml @acme/alpha-team @acme/alpha-gold",
        "/domains/beta.yaml @acme/beta-team",
        "",
      ].join("\n"),
    );
    expect(() => codeowners({ org: "acme corp", platformTeam: "x" }, [])).toThrow('codeowners: "acme corp" is not a GitHub organization or team handle');
  });
});

describe("generated files are current (npm run gen:docs rewrites them)", () => {
  const read = readManifestFiles(["domains"], ROOT);
  const v = validateMesh(read.files);
  it("domains/CATALOG.md", () => {
    expect(fs.readFileSync(path.join(ROOT, "domains", "CATALOG.md"), "utf8")).toBe(catalogMarkdown(catalogOf(v.manifests.map((m) => m.manifest))));
  });
  it(".github/CODEOWNERS", () => {
    const cfg = parse(fs.readFileSync(path.join(ROOT, ".github", "codeowners.yaml"), "utf8"));
    const text = fs.readFileSync(path.join(ROOT, ".github", "CODEOWNERS"), "utf8");
    expect(text).toBe(codeowners(cfg, v.manifests));
    // Every shipped manifest is owned by its domain's team.
    for (const m of v.manifests) expect(text).toContain(`/${m.file} @${cfg.org}/${m.manifest.metadata.owner.team}`);
  });
});
