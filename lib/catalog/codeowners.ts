// .github/CODEOWNERS from the manifests: each domain's file is owned by its owner team (and the teams owning any of
// its datasets), so a change to a data product needs its owners' review, and a producer's change that moves a
// consumer (acceptedMajors) needs the consumer's too. Everything else belongs to the platform team.
// GitHub reads the last matching pattern, so the catch-all comes first
// (https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners).
import { effectiveOwner, type DomainManifest } from "../manifest";

export interface CodeownersConfig {
  /** GitHub organization whose teams the manifests' `owner.team` handles are. */
  readonly org: string;
  /** Team (handle in the org) owning everything no manifest owns. */
  readonly platformTeam: string;
}

const HANDLE = /^[a-z0-9][a-z0-9-]*$/i;

export function codeowners(cfg: CodeownersConfig, manifests: readonly { readonly file: string; readonly manifest: DomainManifest }[]): string {
  for (const h of [cfg.org, cfg.platformTeam]) if (!HANDLE.test(h)) throw new Error(`codeowners: ${JSON.stringify(h)} is not a GitHub organization or team handle`);
  const team = (t: string) => `@${cfg.org}/${t}`;
  const rows = [...manifests]
    .sort((a, b) => (a.file < b.file ? -1 : 1))
    .map(({ file, manifest }) => {
      const teams = [manifest.metadata.owner.team, ...manifest.spec.datasets.map((ds) => effectiveOwner(manifest, ds).team)];
      return `/${file} ${[...new Set(teams)].map(team).join(" ")}`;
    });
  return [
    "# Generated from the owners in domains/*.yaml by `npm run gen:docs`. Do not edit; a test keeps it current.",
    "# The last matching pattern wins: the platform team owns everything no manifest owns.",
    `* ${team(cfg.platformTeam)}`,
    ...rows,
    "",
  ].join("\n");
}
