// Permission levels of workspace objects, weakest first: a level holds every weaker one.
// https://docs.databricks.com/aws/en/security/auth/access-control (SQL warehouse, pipeline, job, folder, file and
// notebook ACLs) and https://docs.databricks.com/aws/en/security/secrets/ (secret ACLs: READ, WRITE, MANAGE).
import type { WorkspaceObject } from "./types";

const ORDER: Readonly<Record<WorkspaceObject["kind"], readonly string[]>> = {
  warehouse: ["CAN_VIEW", "CAN_USE", "CAN_MONITOR", "CAN_MANAGE", "IS_OWNER"],
  pipeline: ["CAN_VIEW", "CAN_RUN", "CAN_MANAGE", "IS_OWNER"],
  job: ["CAN_VIEW", "CAN_MANAGE_RUN", "CAN_MANAGE", "IS_OWNER"],
  directory: ["CAN_READ", "CAN_RUN", "CAN_EDIT", "CAN_MANAGE"],
  file: ["CAN_READ", "CAN_RUN", "CAN_EDIT", "CAN_MANAGE"],
  notebook: ["CAN_READ", "CAN_RUN", "CAN_EDIT", "CAN_MANAGE"],
  "secret-scope": ["READ", "WRITE", "MANAGE"],
};

/** Whether `held` is at least `needed` on an object of this kind; unknown levels hold nothing. */
export function levelAtLeast(kind: WorkspaceObject["kind"], held: string, needed: string): boolean {
  const order = ORDER[kind];
  const h = order.indexOf(held);
  const n = order.indexOf(needed);
  return h >= 0 && n >= 0 && h >= n;
}

/** Which key of a databricks.Permissions resource names which kind of object. */
export const PERMISSION_KEYS: Readonly<Record<string, WorkspaceObject["kind"]>> = {
  sqlEndpointId: "warehouse",
  pipelineId: "pipeline",
  jobId: "job",
  directoryPath: "directory",
  workspaceFilePath: "file",
  notebookPath: "notebook",
};

/** Workspace-path objects (folders, files, notebooks). */
export const isPathKind = (k: WorkspaceObject["kind"]) => k === "directory" || k === "file" || k === "notebook";
