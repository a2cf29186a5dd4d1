// Every API request leaves one audit record: who (persona, and the subject as a salted hash), which tenant, which
// named query, how many rows, how long, and the outcome. Never a value: no filter values, no row data, no token.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

export interface AuditRecord {
  readonly time: string;
  readonly requestId: string;
  readonly method: string;
  /** The route pattern (never the raw URL, whose query string holds filter values). */
  readonly route: string;
  readonly status: number;
  readonly persona: string | null;
  readonly tenant: string | null;
  /** sha256 of salt, tenant and the caller's subject, as the GDPR audit log hashes subjects. */
  readonly subjectHash: string | null;
  /** The named query (dataset id), dashboard or GDPR action the request ran. */
  readonly query: string | null;
  readonly rows: number | null;
  readonly durationMs: number;
}

export interface AuditSink {
  write(record: AuditRecord): void;
  close(): Promise<void>;
}

/** sha256 of `salt:tenant:subject`, the same hash the GDPR jobs and the suppression list use. */
export function subjectHasher(salt: string): (tenant: string, subject: string) => string {
  if (salt.length < 16) throw new Error("the subject-hash salt must be at least 16 characters");
  return (tenant, subject) => createHash("sha256").update(`${salt}:${tenant}:${subject}`, "utf8").digest("hex");
}

/** Records kept in memory (tests). */
export class MemoryAuditSink implements AuditSink {
  readonly records: AuditRecord[] = [];
  write(r: AuditRecord): void {
    this.records.push(r);
  }
  async close(): Promise<void> {}
}

/** One JSON line per record, appended to a file (the local server); buffered, flushed every 200 ms and on close. */
export class FileAuditSink implements AuditSink {
  private readonly fd: number;
  private buffer: string[] = [];
  private readonly timer: NodeJS.Timeout;
  constructor(file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.fd = fs.openSync(file, "a", 0o600);
    this.timer = setInterval(() => this.flush(), 200);
    this.timer.unref();
  }
  write(r: AuditRecord): void {
    this.buffer.push(JSON.stringify(r) + "\n");
    if (this.buffer.length >= 500) this.flush();
  }
  private flush(): void {
    if (this.buffer.length === 0) return;
    const text = this.buffer.join("");
    this.buffer = [];
    fs.writeSync(this.fd, text);
  }
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.flush();
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
  }
}

/**
 * One JSON line per record on stdout, tagged `"audit": true` (the deployed API: the cluster's log pipeline ships
 * stdout to the audit store). Written directly, not through the request logger, so log levels cannot drop it.
 */
export class StdoutAuditSink implements AuditSink {
  write(r: AuditRecord): void {
    process.stdout.write(JSON.stringify({ audit: true, ...r }) + "\n");
  }
  async close(): Promise<void> {}
}
