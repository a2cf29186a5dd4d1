// The subject-hash salt's fingerprint (issue 13 item 4): a pure HMAC the deployment writes with bound parameters, and
// the refusals of values that look like configuration gone wrong. The Python readers are held to the same vector
// (test/python/test_salt.py).
import * as fs from "fs";
import * as path from "path";
import { checkSaltValue, compileSaltFingerprintRow, compilePlatform, governanceNames, SALT_FINGERPRINT_MESSAGE, saltFingerprint, saltFingerprintRowHead, SaltValueError } from "../../lib/compile";
import { ROOT, shippedMesh, stackSettings } from "../helpers/settings";

// printf '%s' "lakemesh subject-salt fingerprint v1" | openssl dgst -sha256 -hmac test-salt
const VECTOR = { salt: "test-salt", fingerprint: "e4ef905b80d02882792b36801573868349edb33f7112325f665f2c3e99202141" };

describe("saltFingerprint", () => {
  it("is HMAC-SHA256 keyed by the salt over the fixed, versioned message (a known vector)", () => {
    expect(SALT_FINGERPRINT_MESSAGE).toBe("lakemesh subject-salt fingerprint v1");
    expect(saltFingerprint(VECTOR.salt)).toBe(VECTOR.fingerprint);
    expect(saltFingerprint("test-salt2")).not.toBe(VECTOR.fingerprint);
  });

  it("is the same message in the pipelines' and the jobs' Python", () => {
    for (const [file, name] of [["notebooks/pipelines/lakemesh_salt.py", "FINGERPRINT_MESSAGE"], ["notebooks/gdpr/lakemesh_gdpr.py", "SALT_FINGERPRINT_MESSAGE"]]) {
      const py = fs.readFileSync(path.join(ROOT, file), "utf8");
      expect(py.match(new RegExp(`^${name} = "([^"]+)"$`, "m"))?.[1]).toBe(SALT_FINGERPRINT_MESSAGE);
    }
  });

  it.each([
    ["", "is empty or only whitespace"],
    ["   ", "is empty or only whitespace"],
    ["\n", "is empty or only whitespace"],
    ["salt\n", "starts or ends with whitespace"],
    [" salt", "starts or ends with whitespace"],
    ["{{secrets/lakemesh-gdpr/subject-salt}}", "holds an unresolved {{secrets/...}} reference, not a salt"],
    ["x{{secrets/a/b}}", "holds an unresolved {{secrets/...}} reference, not a salt"],
  ])("refuses %j, without showing it", (salt, problem) => {
    expect(() => saltFingerprint(salt)).toThrow(new SaltValueError(`lakemesh:subjectHashSalt ${problem}${problem.startsWith("is empty") ? "; set it to a long random secret" : problem.startsWith("starts") ? "; store the salt without it" : ""}`));
    expect(() => checkSaltValue(salt, "the salt")).toThrow(SaltValueError);
  });
});

describe("compileSaltFingerprintRow", () => {
  const s = stackSettings("prod");

  it("replaces the one row in one INSERT OVERWRITE, both values bound as parameters", () => {
    expect(compileSaltFingerprintRow(s, VECTOR.fingerprint)).toEqual({
      resourceName: "governance-salt_fingerprint-row",
      kind: "rows",
      name: "lakemesh_prod.governance.salt_fingerprint#rows",
      create: [
        {
          sql: "INSERT OVERWRITE `lakemesh_prod`.`governance`.`salt_fingerprint` (message, fingerprint, written_at) VALUES (:message, :fingerprint, current_timestamp())",
          parameters: [
            { name: "message", value: "lakemesh subject-salt fingerprint v1", type: "STRING" },
            { name: "fingerprint", value: VECTOR.fingerprint, type: "STRING" },
          ],
        },
      ],
      drop: [],
    });
    const head = saltFingerprintRowHead(s);
    expect(head).toEqual({ resourceName: "governance-salt_fingerprint-row", kind: "rows", name: `${governanceNames("lakemesh_prod").saltFingerprint}#rows` });
  });

  it("takes nothing but a hex HMAC-SHA256 (never the salt by mistake)", () => {
    for (const bad of ["test-salt", VECTOR.fingerprint.toUpperCase(), VECTOR.fingerprint + "0", "'; DROP TABLE x; --"]) {
      expect(() => compileSaltFingerprintRow(s, bad)).toThrow(new SaltValueError("the salt fingerprint is not a hex HMAC-SHA256"));
    }
  });

  it("is read by the pipelines group and the GDPR jobs' principal, written by platform admins only", () => {
    expect(compilePlatform(s, shippedMesh()).tableGrants.salt_fingerprint).toEqual([
      { principal: "5b0e3c2d-8f14-4a6b-9c7d-1e2f3a4b5c01", privileges: ["SELECT"] },
      { principal: "lakemesh-prod-pipelines", privileges: ["SELECT"] },
      { principal: "lakemesh-prod-platform-admins", privileges: ["ALL_PRIVILEGES"] },
    ]);
  });
});
