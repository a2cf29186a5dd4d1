// Workspace folders of code that runs as a privileged principal (pipelines see every tenant unmasked; GDPR jobs change
// every registered table). Everything in /Shared is manageable by every workspace user, so lakemesh keeps its code
// in its own folder, admin-only by default (only workspace admins can create objects in the workspace root), with an
// explicit ACL: platform admins manage, the principal that runs the code reads, nobody else. Objects in a folder
// inherit its permissions. https://docs.databricks.com/security/access-control/workspace-acl.html#folder-permissions
import { domainPrincipal } from "./grants";
import { domainWorkspaceDir, gdprWorkspaceDir, resourceName } from "./naming";
import type { Settings } from "./settings";

/** A folder permission; CAN_READ is enough to run code from it (read the files), CAN_MANAGE to change anything. */
export interface FolderAccess {
  readonly principal: string;
  readonly level: "CAN_MANAGE" | "CAN_READ";
}

/** A workspace folder lakemesh creates, with the direct entries of its (authoritative) ACL. */
export interface FolderSpec {
  readonly resourceName: string;
  readonly path: string;
  /** Sorted by principal. */
  readonly access: readonly FolderAccess[];
}

function folder(resourceName: string, path: string, admin: string, readers: readonly (string | null | undefined)[]): FolderSpec {
  const access: FolderAccess[] = [
    { principal: admin, level: "CAN_MANAGE" },
    ...[...new Set(readers.filter((r): r is string => !!r && r !== admin))].map((principal) => ({ principal, level: "CAN_READ" as const })),
  ];
  return { resourceName, path, access: access.sort((a, b) => (a.principal < b.principal ? -1 : 1)) };
}

/** The stack's root folder: platform admins only. Domain and GDPR folders below it add their readers. */
export function rootFolder(s: Settings): FolderSpec {
  return folder("workspace-root", s.databricks.workspaceRoot, s.personas.platform_admin, []);
}

/** The GDPR notebooks and their module: read by the GDPR service principal the jobs run as. */
export function gdprFolder(s: Settings): FolderSpec {
  return folder("gdpr-folder", gdprWorkspaceDir(s), s.personas.platform_admin, [s.databricks.gdprServicePrincipal]);
}

/** A domain's pipeline code, contract and governance SQL: read by the domain's service principal (pipeline and job). */
export function domainFolder(s: Settings, domain: string): FolderSpec {
  return folder(resourceName(domain, "folder"), domainWorkspaceDir(s, domain), s.personas.platform_admin, [domainPrincipal(s, domain)]);
}
