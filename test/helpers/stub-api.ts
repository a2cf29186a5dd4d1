import * as http from "http";
import type { AddressInfo } from "net";

export interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  body: any;
}

/** A stub of a Databricks REST API on 127.0.0.1. `script` answers each request in order; `seen` records them. */
export async function stub(script: (req: Seen, n: number) => { status?: number; body: unknown }) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let data = "";
    req.on("data", (c) => (data += c));
    req.on("end", () => {
      const s: Seen = { method: req.method!, url: req.url!, auth: req.headers.authorization, body: data ? JSON.parse(data) : undefined };
      seen.push(s);
      const answer = script(s, seen.length - 1);
      res.writeHead(answer.status ?? 200, { "Content-Type": "application/json" });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { host, seen, close: () => new Promise<void>((done) => server.close(() => done())) };
}
