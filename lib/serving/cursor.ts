// Opaque, authenticated page cursors. A cursor is AES-256-GCM-sealed JSON holding the last row's order values and
// what it was issued for (query, tenant, subject, filters and sort). Clients cannot read or forge one, and a cursor
// issued to another tenant, subject or query is refused, whatever the client does to it.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "crypto";
import type { KeyValue, Scope } from "./query";
import type { ParsedQuery } from "./request";

const VERSION = 1;
/** Cursors expire: a page position is not a long-lived capability. */
export const CURSOR_TTL_SECONDS = 24 * 3600;

export class CursorError extends Error {}

interface Payload {
  readonly v: number;
  /** Binding: sha256 of query name, persona, tenant, subject, filters and sort. */
  readonly b: string;
  /** Issued at (epoch seconds). */
  readonly i: number;
  /** Order values of the last row. */
  readonly k: readonly KeyValue[];
}

/** Seals and opens cursors with a key derived from the deployment's cursor secret (at least 32 bytes). */
export class CursorCodec {
  private readonly key: Buffer;

  constructor(secret: string | Buffer, private readonly now: () => number = () => Math.floor(Date.now() / 1000)) {
    const raw = typeof secret === "string" ? Buffer.from(secret, "utf8") : secret;
    if (raw.length < 32) throw new CursorError("the cursor secret must be at least 32 bytes");
    this.key = Buffer.from(hkdfSync("sha256", raw, Buffer.alloc(0), "lakemesh-serving-cursor-v1", 32));
  }

  /** What a cursor is bound to. Filters and sort are part of it: a cursor cannot be replayed under other filters. */
  static binding(queryName: string, scope: Scope, q: Pick<ParsedQuery, "filters" | "sort">): string {
    const text = JSON.stringify([queryName, scope.persona, scope.tenant, scope.subject, q.filters.map((f) => [f.column, f.op, f.value]), q.sort.map((s) => [s.column, s.desc])]);
    return createHash("sha256").update(text).digest("base64url");
  }

  seal(binding: string, keys: readonly KeyValue[]): string {
    const iv = randomBytes(12);
    const c = createCipheriv("aes-256-gcm", this.key, iv);
    const body = Buffer.concat([c.update(JSON.stringify({ v: VERSION, b: binding, i: this.now(), k: keys } satisfies Payload), "utf8"), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]).toString("base64url");
  }

  /** The key values of a cursor issued for `binding`; a CursorError for anything else. Messages say nothing specific. */
  open(cursor: string, binding: string, width: number): KeyValue[] {
    let p: Payload;
    try {
      const raw = Buffer.from(cursor, "base64url");
      if (raw.length < 29) throw new Error("short");
      const d = createDecipheriv("aes-256-gcm", this.key, raw.subarray(0, 12));
      d.setAuthTag(raw.subarray(12, 28));
      p = JSON.parse(Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString("utf8")) as Payload;
    } catch {
      throw new CursorError("the cursor is not valid; pass next_cursor from the previous page unchanged");
    }
    if (p.v !== VERSION || p.b !== binding || !Array.isArray(p.k) || p.k.length !== width) {
      throw new CursorError("the cursor does not belong to this query; pass next_cursor from the previous page with the same filters and sort");
    }
    if (!(typeof p.i === "number" && this.now() - p.i <= CURSOR_TTL_SECONDS && p.i <= this.now() + 60)) throw new CursorError("the cursor has expired; start again from the first page");
    if (!p.k.every((x) => x === null || ["string", "number", "boolean"].includes(typeof x))) throw new CursorError("the cursor is not valid");
    return [...p.k];
  }
}
