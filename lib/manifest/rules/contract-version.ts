import { quote } from "../errors";
import { ManifestRule } from "../mesh";
import { parseSemver } from "../semver";

export const rule: ManifestRule = {
  id: "contract-version",
  description: "Every dataset's contract version is a semantic version.",
  check(ctx, report) {
    for (const m of ctx.manifests) {
      m.manifest.spec.datasets.forEach((ds, d) => {
        if (!parseSemver(ds.contract.version)) {
          report(m, ["spec", "datasets", d, "contract", "version"], `${quote(ds.contract.version)} is not a semantic version`, "MAJOR.MINOR.PATCH such as 1.0.0 (semver.org)");
        }
      });
    }
  },
};
