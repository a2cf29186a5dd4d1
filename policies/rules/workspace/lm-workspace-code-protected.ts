import type { StackValidationPolicy } from "@pulumi/policy";
import { principalOf } from "../../../lib/access";
import { ruleId, T } from "../../lib";

/** Workspace paths a pipeline or job runs code (or reads its contract and SQL) from. */
function codePaths(type: string, props: Record<string, any>): string[] {
  const out: string[] = [];
  if (type === T.Pipeline) {
    for (const l of props.libraries ?? []) out.push(l.file?.path, l.notebook?.path, l.glob?.include);
    out.push(props.rootPath, props.configuration?.["lakemesh.contract"]);
  }
  if (type === T.Job) {
    for (const t of props.tasks ?? []) {
      out.push(t.notebookTask?.notebookPath, t.sparkPythonTask?.pythonFile);
      if (t.sqlTask?.file && (t.sqlTask.file.source ?? "WORKSPACE") === "WORKSPACE") out.push(t.sqlTask.file.path);
    }
  }
  // /Workspace/... is the same object as /... (the workspace files mount).
  return out.filter((p): p is string => typeof p === "string" && p.startsWith("/")).map((p) => p.replace(/^\/Workspace(?=\/)/, ""));
}

const within = (path: string, dir: string) => path === dir || path.startsWith(dir.endsWith("/") ? dir : `${dir}/`);
const SPECIAL = /^\/(Shared|Users|Repos)(\/|$)/;
const BROAD = new Set(["users", "account users"]);

/**
 * Pipelines and jobs run as principals that see every tenant unmasked or change every registered table, so whoever
 * can change their code can read or destroy any data. Every workspace user can manage objects in /Shared, and a user
 * owns their home folder (https://docs.databricks.com/security/access-control/workspace-acl.html#folder-permissions).
 * Their code must sit in a folder the stack creates with an explicit ACL that lets nobody but the platform admins
 * change it.
 */
export const policy: StackValidationPolicy = {
  name: ruleId(__filename),
  description: "Code, contracts and SQL that pipelines and jobs run live outside /Shared, /Users and /Repos, in a folder the stack creates with permissions that let only platform admins change them.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Leave lakemesh:databricks.workspaceRoot at its default (/<prefix>/<env>) or another folder outside /Shared; lakemesh creates it with admins-manage, runner-reads permissions.",
  configSchema: { properties: { adminPattern: { type: "string", default: "-platform-admins$", description: "Regular expression of the platform admin group, the only principal that may change the code." } } },
  validateStack: (args, report) => {
    const admin = new RegExp(args.getConfig<{ adminPattern: string }>().adminPattern);
    const dirs = args.resources.filter((r) => r.type === T.Directory && typeof r.props.path === "string");
    const perms = new Map(args.resources.filter((r) => r.type === T.Permissions && typeof r.props.directoryPath === "string").map((r) => [r.props.directoryPath as string, r]));
    for (const [path, p] of perms) {
      for (const a of (p.props.accessControls ?? []) as { groupName?: string; servicePrincipalName?: string; userName?: string; permissionLevel?: string }[]) {
        const who = principalOf(a) ?? "?";
        if (BROAD.has(who)) report(`folder ${path} grants ${a.permissionLevel} to ${JSON.stringify(who)}`, p.urn);
        else if (a.permissionLevel !== "CAN_READ" && !admin.test(who)) report(`folder ${path} grants ${a.permissionLevel} to ${JSON.stringify(who)}; only platform admins may change code that runs as a privileged principal`, p.urn);
      }
    }
    for (const r of args.resources.filter((x) => x.type === T.Pipeline || x.type === T.Job)) {
      const what = `${r.type === T.Pipeline ? "pipeline" : "job"} ${r.props.name ?? r.name}`;
      for (const path of [...new Set(codePaths(r.type, r.props))]) {
        if (SPECIAL.test(path)) {
          report(`${what} runs ${path}, in ${path.split("/")[1] === "Shared" ? "/Shared, where every workspace user can change it" : `a /${path.split("/")[1]} folder its owner controls`}`, r.urn);
          continue;
        }
        const folder = dirs.filter((d) => within(path, d.props.path)).sort((a, b) => b.props.path.length - a.props.path.length)[0];
        if (!folder) report(`${what} runs ${path}, in no folder this stack creates with permissions`, r.urn);
        else if (!perms.has(folder.props.path)) report(`${what} runs ${path}; its folder ${folder.props.path} has no permissions`, r.urn);
      }
    }
  },
};
