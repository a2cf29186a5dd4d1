import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../cli/main";
import { Io } from "../../cli/usage";
import { ROOT } from "../helpers/settings";


async function run(argv: string[], cwd = ROOT): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), cwd };
  const code = await main(argv, io);
  return { code, out, err };
}

function tempDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakemesh-"));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

describe("lakemesh validate", () => {
  it("defaults to domains/ and exits 0 when valid", async () => {
    const r = await run(["validate"]);
    expect(r).toEqual({ code: 0, out: "6 manifests valid: 26 datasets, 17 topics\n", err: "" });
  });

  it("exits 1 and prints located errors when invalid", async () => {
    const alpha = fs.readFileSync(path.join(ROOT, "test", "fixtures", "mesh", "alpha.yaml"), "utf8");
    const dir = tempDir({ "alpha.yaml": alpha.replace("partitions: 3", "partitions: 0"), "notes.txt": "ignored" });
    const r = await run(["validate", "."], dir);
    expect(r.code).toBe(1);
    expect(r.out).toBe("alpha.yaml:18:19: spec.topics[0].partitions: 0 is out of range; an integer from 1 to 256\n1 error in 1 of 1 file\n");
  });

  it("prints JSON with --format json", async () => {
    const r = await run(["validate", "test/fixtures/mesh/alpha.yaml", "--alone", "--format", "json"]);
    // alpha alone is valid: it reads no other domain.
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ valid: true, files: 1, domains: ["alpha"], errors: [] });
  });

  it("prints JSON errors with their fields", async () => {
    const r = await run(["validate", "test/fixtures/mesh/beta.yaml", "--alone", "--format=json"]);
    expect(r.code).toBe(1);
    const parsed = JSON.parse(r.out);
    expect(parsed.valid).toBe(false);
    expect(parsed.errors[0]).toEqual({
      file: "test/fixtures/mesh/beta.yaml",
      line: 16,
      column: 15,
      path: "spec.consumers[0].domain",
      message: 'domain "alpha" does not exist',
      allowed: "one of: beta",
      rule: "references",
    });
  });

  it("checks one file of domains/ against the rest of domains/ (the guide's example)", async () => {
    const r = await run(["validate", "domains/outcomes-performance.yaml"]);
    expect(r).toEqual({ code: 0, out: "1 manifests valid against 5 other manifest(s) of domains/: 4 datasets, 1 topics\n", err: "" });
  });

  it("resolves a named file's cross-domain reads against domains/, and reports only its own errors", async () => {
    const dir = tempDir({});
    fs.cpSync(path.join(ROOT, "test", "fixtures", "mesh"), path.join(dir, "domains"), { recursive: true });
    // A new version of beta outside domains/ stands in for domains/beta.yaml; it reads a dataset alpha lacks.
    const beta = fs.readFileSync(path.join(dir, "domains", "beta.yaml"), "utf8");
    fs.writeFileSync(path.join(dir, "beta-next.yaml"), beta.replace("datasets: [accounts]", "datasets: [accounts, ledgers]"));
    // An unrelated error elsewhere in domains/ is not this file's.
    const alpha = fs.readFileSync(path.join(dir, "domains", "alpha.yaml"), "utf8");
    fs.writeFileSync(path.join(dir, "domains", "alpha.yaml"), alpha.replace("clusterBy: [tenant_id]", "clusterBy: [tenant_id, nowhere]"));
    const r = await run(["validate", "beta-next.yaml", "--format", "json"], dir);
    expect(r.code).toBe(1);
    const parsed = JSON.parse(r.out);
    expect(parsed.context).toEqual({ files: 1, errors: 1 });
    expect(parsed.errors.map((e: { file: string; message: string }) => `${e.file}: ${e.message}`)).toEqual(['beta-next.yaml: dataset "ledgers" does not exist in domain "alpha"']);
    const text = await run(["validate", "domains/beta.yaml"], dir);
    expect(text.code).toBe(0);
    expect(text.err).toBe("note: 1 error(s) in the rest of domains/, not reported here; lakemesh validate shows them\n");
  });

  it.each([
    [["validate", "--format", "xml"], '--format must be text or json, not "xml"'],
    [["validate", "--nope"], "Unknown option '--nope'"],
    [["validate", "does/not/exist"], "does/not/exist: no such file or directory"],
    [["validate", "test"], "no *.yaml or *.yml manifests found in test"],
  ])("exits 2 on a usage error: %j", async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toContain(message);
    expect(r.err).toContain("Usage: lakemesh validate");
  });

  it("prints help with --help and exits 0", async () => {
    const r = await run(["validate", "--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Exit status: 0 valid, 1 invalid, 2 usage error.");
  });

  it("rejects an unknown command with exit 2", async () => {
    const r = await run(["frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown command "frobnicate"');
  });

  it("reports an oversized file without reading it", async () => {
    const dir = tempDir({ "big.yaml": "a: " + "x".repeat(1024 * 1024) });
    const r = await run(["validate", "big.yaml"], dir);
    expect(r.code).toBe(1);
    expect(r.out).toBe("big.yaml:1:1: (file): file is 1048579 bytes; a regular file (not a link, directory, FIFO or device) of at most 1048576 bytes (1 MiB) of UTF-8 text\n1 error in 1 of 1 file\n");
  });

  it("reads regular files only, and still reports the other files' errors", async () => {
    const alpha = fs.readFileSync(path.join(ROOT, "test", "fixtures", "mesh", "alpha.yaml"), "utf8");
    const dir = tempDir({ "alpha.yaml": alpha.replace("partitions: 3", "partitions: 0"), "outside.txt": "secret: value\n" });
    fs.symlinkSync("/dev/zero", path.join(dir, "zero.yaml"));
    fs.symlinkSync(path.join(dir, "outside.txt"), path.join(dir, "link.yaml"));
    fs.mkdirSync(path.join(dir, "folder.yaml"));
    spawnSync("mkfifo", [path.join(dir, "fifo.yaml")]);
    const r = await run(["validate", "."], dir);
    expect(r.code).toBe(1);
    const allowed = "a regular file (not a link, directory, FIFO or device) of at most 1048576 bytes (1 MiB) of UTF-8 text";
    expect(r.out).toBe(
      [
        "alpha.yaml:18:19: spec.topics[0].partitions: 0 is out of range; an integer from 1 to 256",
        `fifo.yaml:1:1: (file): file is a FIFO; ${allowed}`,
        `folder.yaml:1:1: (file): file is a directory; ${allowed}`,
        `link.yaml:1:1: (file): file is a symbolic link; ${allowed}`,
        `zero.yaml:1:1: (file): file is a symbolic link; ${allowed}`,
        "5 errors in 5 of 5 files",
        "",
      ].join("\n"),
    );
    expect(r.out).not.toContain("secret");
  });

  it("escapes control characters and bidi controls in file names (a CI log must not read them as commands)", async () => {
    const dir = tempDir({ "x\n::error::owned\u001b[31m\u202e.yaml": "a: [\n" });
    const r = await run(["validate", "."], dir);
    expect(r.code).toBe(1);
    expect(r.out.split("\n")[0]).toBe(
      "x\\u000a::error::owned\\u001b[31m\\u202e.yaml:2:1: (file): unexpected end of the stream within a flow collection; plain YAML 1.2 data: printable characters, unique string keys, no custom tags, one document",
    );
  });
});
