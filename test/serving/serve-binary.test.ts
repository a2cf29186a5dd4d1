import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../helpers/settings";

// `npm run serve` as a fresh clone runs it: the built server (npm ci builds dist/), sample data, answering within
// seconds; `npm run serve:token` gives a token it accepts. State goes to LAKEMESH_LOCAL, here a temporary folder.

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });

describe("npm run serve", () => {
  let child: ChildProcess | undefined;
  const local = fs.mkdtempSync(path.join(os.tmpdir(), "lakemesh-serve-"));
  afterAll(() => {
    if (child?.pid) process.kill(child.pid, "SIGTERM");
    fs.rmSync(local, { recursive: true, force: true });
  });

  it("answers with sample data within seconds and accepts a serve:token token", async () => {
    const port = await freePort();
    const env = { ...process.env, LAKEMESH_LOCAL: local };
    const started = Date.now();
    child = spawn(process.execPath, [path.join(ROOT, "dist", "serving", "main.js"), "--port", String(port)], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (out += d));
    const base = `http://127.0.0.1:${port}`;
    let ready = false;
    while (!ready && Date.now() - started < 60_000) {
      ready = await fetch(`${base}/readyz`).then((r) => r.ok).catch(() => false);
      if (!ready) await new Promise((r) => setTimeout(r, 200));
    }
    const seconds = (Date.now() - started) / 1000;
    expect([ready, out]).toEqual([true, expect.stringContaining(`lakemesh serving API on ${base} (sample data:`)]);
    // Within seconds on an idle machine; the bound leaves room for a loaded CI box.
    expect(seconds).toBeLessThan(45);
    const token = spawnSync(process.execPath, [path.join(ROOT, "dist", "serving", "token.js"), "--tenant", "tenant-02", "--role", "end_user", "--subject", "user-02-001"], { cwd: ROOT, env, encoding: "utf8" });
    expect(token.status).toBe(0);
    const r = await fetch(`${base}/v1/users-identity/users?fields=tenant_id,user_id`, { headers: { authorization: `Bearer ${token.stdout.trim()}` } });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { data: { tenant_id: string; user_id: string }[] };
    expect(body.data).toEqual([{ tenant_id: "tenant-02", user_id: "user-02-001" }]);
    expect(fs.existsSync(path.join(local, "serving", "dev-idp.json"))).toBe(true);
  }, 90_000);
});
