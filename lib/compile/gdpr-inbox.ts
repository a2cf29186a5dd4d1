// Filing a GDPR request: one INSERT into governance.gdpr_request_inbox, every value a bound parameter. The CLI runs it
// through the SQL Statement Execution API (`parameters`,
// https://docs.databricks.com/api/workspace/statementexecution/executestatement), the serving API through its SQL
// driver's named parameters; the job then starts with the request id only and reads the rest from this row.
import { qualifiedName } from "../sql";
import { GDPR_REQUEST_TYPES } from "./gdpr-jobs";
import { governanceNames } from "./naming";

export interface GdprInboxRow {
  readonly requestId: string;
  readonly type: keyof typeof GDPR_REQUEST_TYPES;
  readonly tenant: string;
  readonly subject: string;
}

/**
 * The statement and its parameters. Who filed it and when come from the session (current_user(),
 * current_timestamp()), not from the caller.
 */
export function gdprInboxInsert(catalog: string, r: GdprInboxRow): { sql: string; parameters: { name: string; value: string; type: "STRING" }[] } {
  return {
    sql:
      `INSERT INTO ${qualifiedName(governanceNames(catalog).gdprRequestInbox)} (request_id, request_type, tenant_id, subject_id, requested_by, requested_at) ` +
      "VALUES (:request_id, :request_type, :tenant_id, :subject_id, current_user(), current_timestamp())",
    parameters: [
      { name: "request_id", value: r.requestId, type: "STRING" },
      { name: "request_type", value: r.type, type: "STRING" },
      { name: "tenant_id", value: r.tenant, type: "STRING" },
      { name: "subject_id", value: r.subject, type: "STRING" },
    ],
  };
}
