import { cronInterval, displayPath, pipelineMode, quote, type LoadedManifest, type ManifestError } from "../manifest";
import { principalCollisionErrors } from "./principals";
import type { Settings } from "./settings";

/** Every stack-dependent check of the manifests: the stack's limits and its principal names. */
export function stackManifestErrors(s: Settings, manifests: readonly LoadedManifest[]): ManifestError[] {
  return [...platformLimitErrors(s, manifests), ...principalCollisionErrors(s, manifests)];
}

/**
 * What a stack allows a domain's pipeline: a schedule that fires at most every
 * `lakemesh:databricks.minScheduleIntervalMinutes` (default 5), and continuous (always-on) mode only for the domains
 * in `lakemesh:databricks.continuousPipelines` (default none). A manifest cannot raise its own limit; the platform
 * team sets these in the stack file. Checked for the domains the stack deploys; errors are located in the manifests.
 */
export function platformLimitErrors(s: Settings, manifests: readonly LoadedManifest[]): ManifestError[] {
  const deployed = s.mode === "platform" ? [] : s.mode === "domain" ? manifests.filter((m) => m.manifest.metadata.name === s.domain) : manifests;
  const errors: ManifestError[] = [];
  const report = (m: LoadedManifest, path: string[], message: string, allowed: string) => {
    const pos = m.sourceMap.locate(path);
    errors.push({ file: m.file, line: pos.line, column: pos.column, path: displayPath(path), message, allowed, rule: "platform-limits" });
  };
  const minSeconds = s.databricks.minScheduleIntervalMinutes * 60;
  for (const m of deployed) {
    const name = m.manifest.metadata.name;
    if (pipelineMode(m.manifest) === "continuous") {
      if (!s.databricks.continuousPipelines.includes(name)) {
        report(m, ["spec", "pipeline", "mode"], `domain "${name}" asks for an always-on continuous pipeline, which stack ${s.env} does not allow it`, `mode: triggered with a schedule, or the platform team adds "${name}" to lakemesh:databricks.continuousPipelines`);
      }
      continue;
    }
    const schedule = m.manifest.spec.pipeline?.schedule;
    const c = schedule === undefined ? undefined : cronInterval(schedule);
    if (c?.ok && c.seconds < minSeconds) {
      report(
        m,
        ["spec", "pipeline", "schedule"],
        `${quote(schedule)} can fire every ${c.seconds} seconds`,
        `a schedule that fires at most every ${s.databricks.minScheduleIntervalMinutes} minutes (lakemesh:databricks.minScheduleIntervalMinutes of stack ${s.env})`,
      );
    }
  }
  return errors;
}
