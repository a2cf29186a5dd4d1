import * as fs from "fs";
import * as path from "path";
import { GDPR_TABLES } from "../../lib/access";
import { GDPR_JOB_KINDS } from "../../lib/compile";
import { ROOT } from "../helpers/settings";

// The model's list of governance tables each GDPR job uses must be what the notebooks use: a new table read or
// written by a notebook, without its privilege in the model, would be a privilege nobody checks.
const source = (f: string) => fs.readFileSync(path.join(ROOT, "notebooks", "gdpr", f), "utf8");
const shared = source("lakemesh_gdpr.py");
/** The governance tables each shared-module method uses (guarded() records the request and flushes the audit). */
const METHODS: Record<string, string[]> = { known_tenant: ["tenant_principals"], guarded: ["gdpr_requests", "audit_log"], flush: ["audit_log"], preflight: ["gdpr_control"], last_wait: ["audit_log"] };
/** Module functions a notebook calls as g.<name>(job, ...): run_request reads and deletes the request's inbox row,
 * expire_inbox (retention) deletes rows whose job never ran (keeping those of erasures still `erasing`, looked up in
 * gdpr_requests) and vacuums the inbox, expire_exports (retention) dates
 * exports by their request and erase_exports (erasure) finds the subject's by theirs. */
const FUNCTIONS: Record<string, string[]> = { run_request: ["gdpr_request_inbox"], expire_inbox: ["gdpr_request_inbox", "gdpr_requests"], expire_exports: ["gdpr_requests"], erase_exports: ["gdpr_requests"] };
const body = (method: string) => shared.split(`    def ${method}(`)[1]?.split("\n    def ")[0] ?? "";

test.each(GDPR_JOB_KINDS)("the %s job's governance tables are what its notebook uses", (kind) => {
  const nb = source(`${kind.replace("-", "_")}.py`);
  const used = new Set([
    ...[...nb.matchAll(/job\.governance\("([a-z_]+)"\)/g)].map((m) => m[1]),
    ...Object.entries(METHODS).filter(([m]) => new RegExp(`job\\.${m}\\(`).test(nb)).flatMap(([, t]) => t),
    ...Object.entries(FUNCTIONS).filter(([f]) => new RegExp(`g\\.${f}\\(job`).test(nb)).flatMap(([, t]) => t),
    // A job opened with the salt checks it against the deployed fingerprint (open_job -> check_salt_fingerprint).
    ...(/g\.open_job\((?![^)]*salted=False)/.test(nb) ? ["salt_fingerprint"] : []),
  ]);
  expect(Object.keys(GDPR_TABLES[kind]).sort()).toEqual([...used].sort());
  // The shared module still reaches those tables the way METHODS says.
  expect(body("known_tenant")).toContain('self.governance("tenant_principals")');
  expect(body("flush")).toContain('self.governance("audit_log")');
  expect(body("guarded")).toContain("self.request(");
  expect(body("guarded")).toContain("self.flush(");
  expect(body("request")).toContain("self.governance('gdpr_requests')");
  expect(body("preflight")).toContain("self.governance(CONTROL_TABLE)");
  expect(body("inbox_request")).toContain('self.governance("gdpr_request_inbox")');
  expect(body("end_request")).toContain('self.governance("gdpr_request_inbox")');
  const fn = (name: string) => shared.split(`\ndef ${name}(`)[1]?.split("\ndef ")[0] ?? "";
  // The inbox row goes when the request ends: on any error, and after the work unless an erasure still waits.
  expect(fn("run_request")).toMatch(/job\.inbox_request\([\s\S]*except BaseException:\s*job\.end_request\(\)\s*raise\s*if job\.pending is None:\s*job\.end_request\(\)/);
  expect(fn("expire_inbox")).toContain('job.governance("gdpr_request_inbox")');
  expect(fn("expire_inbox")).toContain("job.governance('gdpr_requests')");
  expect(body("last_wait")).toContain('self.governance("audit_log")');
  expect(fn("open_job")).toMatch(/if salted:[^\n]*\n\s*check_salt_fingerprint\(/);
  expect(fn("check_salt_fingerprint")).toContain("settings.table(SALT_FINGERPRINT_TABLE)");
  expect(shared).toMatch(/^SALT_FINGERPRINT_TABLE = "salt_fingerprint"$/m);
  expect(fn("export_ages")).toContain('job.governance("gdpr_requests")');
  expect(fn("erase_exports")).toContain('job.governance("gdpr_requests")');
  expect(fn("expire_exports")).toContain("export_ages(job");
});
