import { formatError, schemaEnum, validateMesh } from "../../lib/manifest";
import { applyChanges, baselineMesh, errorsAfter } from "../helpers/manifests";

const A = "alpha.yaml" as const;

describe("JSON Schema errors", () => {
  it.each([
    [
      "an unknown field, at the key",
      { file: A, from: "  title: Alpha\n", to: "  title: Alpha\n  titel: typo\n" },
      ['mesh/alpha.yaml:6:3: metadata.titel: unknown field "titel"; fields allowed here: name, title, description, owner, tags'],
    ],
    [
      "a missing required field, at its parent",
      { file: A, from: "    contact: alpha@example.com\n", to: "" },
      ['mesh/alpha.yaml:8:5: metadata.owner: missing required field "contact"; contact: an e-mail address'],
    ],
    [
      "a value outside an enum",
      { file: A, from: "onViolation: drop", to: "onViolation: quarantine" },
      ['mesh/alpha.yaml:36:24: spec.datasets[0].expectations[0].onViolation: "quarantine" is not allowed; warn, drop or fail'],
    ],
    [
      "a wrong type",
      { file: A, from: "partitions: 3", to: "partitions: three" },
      ["mesh/alpha.yaml:18:19: spec.topics[0].partitions: expected integer, got string; an integer from 1 to 256"],
    ],
    [
      "a bad e-mail format",
      { file: A, from: "contact: alpha@example.com", to: "contact: alpha" },
      ['mesh/alpha.yaml:9:14: metadata.owner.contact: "alpha" is not a valid email; an e-mail address'],
    ],
    [
      "a SQL-injecting column name",
      { file: A, from: "        - name: region\n          physicalType: STRING\n          description: Region.\n        - name: balance", to: "        - name: \"region; DROP TABLE users --\"\n          physicalType: STRING\n          description: Region.\n        - name: balance" },
      [
        'mesh/alpha.yaml:64:17: spec.datasets[0].columns[3].name: "region; DROP TABLE users --" is not a valid name here; snake_case: lower-case letters and digits in words joined by single \'_\', starting with a letter, at most 63 characters (e.g. grant_date)',
      ],
    ],
    [
      "a backtick in a topic name",
      { file: A, from: "    - name: accounts\n      description: Account changes.", to: "    - name: \"acc`ounts\"\n      description: Account changes." },
      [
        'mesh/alpha.yaml:16:13: spec.topics[0].name: "acc`ounts" is not a valid name here; kebab-case: lower-case letters and digits in words joined by single \'-\', starting with a letter, at most 60 characters (e.g. equity-grants)',
      ],
    ],
    [
      "a quote in a domain name",
      { file: A, from: "  name: alpha", to: "  name: \"al'pha\"" },
      [
        'mesh/alpha.yaml:4:9: metadata.name: "al\'pha" is not a valid name here; kebab-case: lower-case letters and digits in words joined by single \'-\', starting with a letter, at most 40 characters (e.g. core-business)',
        // alpha's name is not a valid domain name, so beta's reads of "alpha" point at nothing.
        'mesh/beta.yaml:16:15: spec.consumers[0].domain: domain "alpha" does not exist; one of: beta',
        'mesh/beta.yaml:25:21: spec.datasets[0].source.datasets[0].domain: domain "alpha" does not exist; one of: beta',
      ],
    ],
    [
      "a physical type with spaces",
      { file: A, from: "physicalType: DECIMAL(18,2)", to: 'physicalType: "DECIMAL(18, 2)"' },
      [
        'mesh/alpha.yaml:68:25: spec.datasets[0].columns[4].physicalType: "DECIMAL(18, 2)" is not a valid name here; STRING, BOOLEAN, TINYINT, SMALLINT, INT, BIGINT, FLOAT, DOUBLE, DATE, TIMESTAMP, TIMESTAMP_NTZ, BINARY, DECIMAL(p,s), ARRAY<STRING> or MAP<STRING,STRING>',
      ],
    ],
  ])("reports %s", (_name, change, expected) => {
    expect(errorsAfter(change)).toEqual(expected);
  });

  it("reports every error of every file in one run, sorted by file, line and column", () => {
    const files = applyChanges(baselineMesh(), [
      { file: "beta.yaml", from: "kind: DataDomain", to: "kind: Domain" },
      { file: "alpha.yaml", from: "partitions: 3", to: "partitions: 0" },
      { file: "alpha.yaml", from: "apiVersion: lakemesh/v1", to: "apiVersion: lakemesh/v2" },
    ]);
    expect(validateMesh(files).errors.map(formatError)).toEqual([
      'mesh/alpha.yaml:1:13: apiVersion: "lakemesh/v2" is not allowed; lakemesh/v1',
      "mesh/alpha.yaml:18:19: spec.topics[0].partitions: 0 is out of range; an integer from 1 to 256",
      'mesh/beta.yaml:2:7: kind: "Domain" is not allowed; DataDomain',
    ]);
  });

  it("does not report references into a manifest that failed the schema", () => {
    // beta reads alpha.accounts; alpha is broken, so only alpha's own error is reported.
    const files = applyChanges(baselineMesh(), [{ file: "alpha.yaml", from: "partitions: 3", to: "partitions: 0" }]);
    expect(validateMesh(files).errors.map((e) => e.file)).toEqual(["mesh/alpha.yaml"]);
  });

  it("exposes allowed values from the schema", () => {
    expect(schemaEnum("PersonalData", "erasure")).toEqual(["delete", "anonymize"]);
    expect(() => schemaEnum("PersonalData", "purpose")).toThrow("schema has no enum at $defs.PersonalData.purpose");
  });
});
