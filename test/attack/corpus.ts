// The attack corpus of issue 15 ("a manifest pull request cannot escalate"): each entry is one attempt a
// semi-trusted domain team (or a hostile file in a pull request) could make against the manifest loader, the rules
// or the CLI, and the located error or refusal lakemesh must answer with. attack.test.ts runs every entry as the
// built CLI in its own process and also holds each to the budget (2 s of CPU, 200 MB of memory).
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");
const MESH = path.join(ROOT, "test", "fixtures", "mesh");

/** Builds the attempt's input in an empty folder. */
export type Setup = (dir: string) => void;

export interface Attack {
  /** Unique, kebab-case. */
  readonly id: string;
  /** The item of issue 15 it belongs to. */
  readonly item: "1" | "2" | "3" | "4" | "5" | "6" | "10" | "11";
  readonly what: string;
  readonly setup: Setup;
  /** lakemesh arguments, run in the folder. */
  readonly argv: readonly string[];
  /** The exit status, and lines the output (stdout then stderr) must hold, each exactly (a line ending in … as a prefix). */
  readonly expect: { readonly code: number; readonly lines: readonly string[] };
}

interface Change {
  readonly file: "alpha.yaml" | "beta.yaml";
  readonly from: string;
  readonly to: string;
}

/** The compliant alpha/beta mesh of the rule tests in dir/domains, with changes (each `from` must occur once). */
function mesh(...changes: Change[]): Setup {
  return (dir) => {
    fs.mkdirSync(path.join(dir, "domains"));
    for (const f of ["alpha.yaml", "beta.yaml"]) {
      let text = fs.readFileSync(path.join(MESH, f), "utf8");
      for (const c of changes.filter((x) => x.file === f)) {
        if (text.split(c.from).length !== 2) throw new Error(`attack corpus: ${JSON.stringify(c.from)} is not once in ${f}`);
        text = text.replace(c.from, () => c.to);
      }
      fs.writeFileSync(path.join(dir, "domains", f), text);
    }
  };
}

/** Files under dir/domains (text or a function that creates the entry at the given path). */
function domains(entries: Record<string, string | ((full: string) => void)>): Setup {
  return (dir) => {
    fs.mkdirSync(path.join(dir, "domains"), { recursive: true });
    for (const [name, v] of Object.entries(entries)) {
      const full = path.join(dir, "domains", name);
      if (typeof v === "string") fs.writeFileSync(full, v);
      else v(full);
    }
  };
}

/** The project's stack files and shipped manifests, then more setup. */
function project(...more: Setup[]): Setup {
  return (dir) => {
    for (const f of ["Pulumi.yaml", "Pulumi.dev.yaml"]) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
    fs.cpSync(path.join(ROOT, "domains"), path.join(dir, "domains"), { recursive: true });
    for (const m of more) m(dir);
  };
}

/** Rewrites one file of the folder (the text `from` must occur once). */
function edit(file: string, from: string, to: string): Setup {
  return (dir) => {
    const full = path.join(dir, file);
    const text = fs.readFileSync(full, "utf8");
    if (text.split(from).length !== 2) throw new Error(`attack corpus: ${JSON.stringify(from)} is not once in ${file}`);
    fs.writeFileSync(full, text.replace(from, () => to));
  };
}

const write = (file: string, text: string): Setup => (dir) => fs.writeFileSync(path.join(dir, file), text);

const A = "alpha.yaml" as const;
const B = "beta.yaml" as const;
const VALIDATE = ["validate", "domains"] as const;
const LIMITS = "at most 100 keys per mapping, 1000 items per list, 32 levels of nesting and 200000 values";
const REGULAR = "a regular file (not a link, directory, FIFO or device) of at most 1048576 bytes (1 MiB) of UTF-8 text";
const PLAIN_YAML = "plain YAML 1.2 data: printable characters, unique string keys, no custom tags, one document";
const FREE_TEXT = "plain text: no '${', '{{', bidirectional controls, lone surrogates or control characters other than tab and line feed";
const SCHEMAS = "a name whose schema is none of: governance, default, information_schema, global_temp, session, builtin, system";
const SUFFIXES = "a name that does not end with any of: admin, admins, platform-admins, client-admins, data-scientists, internal-analysts, end-users, gdpr-officers, legal-hold, auditors, api-service, bi-service, pipelines";
const PREDICATE =
  "one boolean predicate over this dataset's columns using comparisons, AND/OR/NOT, IS [NOT] NULL, IN, BETWEEN, LIKE with a literal pattern of at most one % (or '%text%'), single-quoted strings without backslashes, '${' or '{{', numbers and the functions abs, ceil, coalesce, concat, current_date, current_timestamp, date_add, date_sub, datediff, day, floor, greatest, isnotnull, isnull, least, length, lower, month, nullif, round, size, substring, to_date, trim, upper, year";

const rename = (name: string): Change => ({ file: B, from: "  name: beta", to: `  name: ${name}` });
const predicate = (p: string): Change => ({ file: A, from: 'predicate: "balance >= 0"', to: `predicate: ${JSON.stringify(p)}` });
const period = (p: string): Change => ({ file: A, from: "        period: P1Y", to: `        period: ${JSON.stringify(p)}` });
const described = (text: string): Change => ({ file: A, from: "  description: Test producer domain.", to: `  description: ${JSON.stringify(text)}` });

function reserved(id: string, name: string, message: string, allowed: string): Attack {
  return { id, item: "1", what: `a domain named ${name}`, setup: mesh(rename(name)), argv: VALIDATE, expect: { code: 1, lines: [`domains/beta.yaml:4:9: metadata.name: ${message}; ${allowed}`] } };
}

function predicateAttack(id: string, item: Attack["item"], what: string, p: string, problem: string): Attack {
  return { id, item, what, setup: mesh(predicate(p)), argv: VALIDATE, expect: { code: 1, lines: [`domains/alpha.yaml:35:22: spec.datasets[0].expectations[0].predicate: ${JSON.stringify(p)}: ${problem}; ${PREDICATE}`] } };
}

export const ATTACKS: readonly Attack[] = [
  // 1. Reserved names: a domain taking a platform schema or ending like a persona group.
  reserved("domain-governance", "governance", 'domain "governance" would take the schema "governance", which the platform or Unity Catalog owns', SCHEMAS),
  reserved("domain-default", "default", 'domain "default" would take the schema "default", which the platform or Unity Catalog owns', SCHEMAS),
  reserved("domain-information-schema", "information-schema", 'domain "information-schema" would take the schema "information_schema", which the platform or Unity Catalog owns', SCHEMAS),
  reserved("domain-global-temp", "global-temp", 'domain "global-temp" would take the schema "global_temp", which the platform or Unity Catalog owns', SCHEMAS),
  reserved("domain-platform-admins", "platform-admins", 'domain "platform-admins" ends with "platform-admins", the name of a persona or platform group', SUFFIXES),
  reserved("domain-ends-like-admin-group", "sales-platform-admins", 'domain "sales-platform-admins" ends with "platform-admins", the name of a persona or platform group', SUFFIXES),
  reserved("domain-pipelines-group", "pipelines", 'domain "pipelines" ends with "pipelines", the name of a persona or platform group', SUFFIXES),
  reserved("domain-gdpr-officers", "x-gdpr-officers", 'domain "x-gdpr-officers" ends with "gdpr-officers", the name of a persona or platform group', SUFFIXES),

  // 3. Tenant scoping.
  {
    id: "tenant-scoped-false-with-tenant-column",
    item: "3",
    what: "tenantScoped: false on a dataset that has tenant_id (drops the row filter)",
    setup: mesh({ file: A, from: "    - name: balances_by_region\n      description: Balance per region.\n", to: "    - name: balances_by_region\n      description: Balance per region.\n      tenantScoped: false\n" }),
    argv: VALIDATE,
    expect: {
      code: 1,
      lines: [
        'domains/alpha.yaml:77:21: spec.datasets[1].tenantScoped: dataset "balances_by_region" has the tenant column "tenant_id" (columns[0]) but says tenantScoped: false, which would drop its row filter; tenantScoped: true (the default); only reference data without a tenant_id column is shared by all tenants',
      ],
    },
  },
  {
    id: "tenant-key-other-column",
    item: "3",
    what: "tenantKey naming another column than the platform's tenant column",
    setup: mesh({ file: A, from: "      subjectKey: account_id\n", to: "      subjectKey: account_id\n      tenantKey: region\n" }),
    argv: VALIDATE,
    expect: {
      code: 1,
      lines: ['domains/alpha.yaml:29:18: spec.datasets[0].tenantKey: tenantKey "region" is not the platform\'s tenant column; tenantKey: tenant_id, or no tenantKey (the row filter, the bronze tables and tenant_principals all key on tenant_id)'],
    },
  },

  // 5. Durations that used to pass TypeScript and abort the nightly retention job.
  ...(
    [
      ["retention-2100-years", "P2100Y", '"P2100Y" is longer than 36500 days; at most 36500 days (100 years; a year counts 365 days, a month 30)'],
      ["retention-fraction", "P3YT0.5S", '"P3YT0.5S" is not an ISO 8601 duration; a duration such as PT15M, P7D, P1Y6M (PnYnMnWnDTnHnMnS, whole numbers)'],
      ["retention-zero", "P0D", '"P0D" is zero; a duration longer than zero'],
      ["retention-trailing-newline", "P1Y\n", '"P1Y\\n" is not an ISO 8601 duration; a duration such as PT15M, P7D, P1Y6M (PnYnMnWnDTnHnMnS, whole numbers)'],
    ] as const
  ).map(([id, p, message]): Attack => ({ id, item: "5", what: `retention period ${JSON.stringify(p)}`, setup: mesh(period(p)), argv: VALIDATE, expect: { code: 1, lines: [`domains/alpha.yaml:31:17: spec.datasets[0].retention.period: ${message}`] } })),

  // 6. Substitution syntax that would read configuration (the salt, Kafka credentials) into SQL.
  predicateAttack("predicate-dollar-brace", "6", "${...} inside a predicate's string literal", "region = '${spark.lakemesh.subject_salt}'", "predicate holds '${', which Spark and Lakeflow pipelines replace with configuration values"),
  predicateAttack("predicate-env-variable", "6", "${env:...} reading an environment variable", "region = '${env:DATABRICKS_TOKEN}'", "predicate holds '${', which Spark and Lakeflow pipelines replace with configuration values"),
  predicateAttack("predicate-secret-reference", "6", "{{secrets/...}} in a predicate", "region = '{{secrets/lakemesh-kafka/x}}'", "predicate holds '{{', the syntax of Databricks secret and dynamic value references"),
  {
    id: "description-dollar-brace",
    item: "6",
    what: "${...} in a description that becomes a SQL comment",
    setup: mesh(described("Reads ${spark.lakemesh.subject_salt}")),
    argv: VALIDATE,
    expect: { code: 1, lines: [`domains/alpha.yaml:6:16: metadata.description: text holds '\${', which Spark and Lakeflow pipelines replace with configuration values; ${FREE_TEXT}`] },
  },
  {
    id: "column-description-secret",
    item: "6",
    what: "{{secrets/...}} in a column description (a COMMENT clause)",
    setup: mesh({ file: A, from: "          description: Balance.", to: '          description: "{{secrets/lakemesh-gdpr/subject-salt}}"' }),
    argv: VALIDATE,
    expect: { code: 1, lines: [`domains/alpha.yaml:69:24: spec.datasets[0].columns[4].description: text holds '{{', the syntax of Databricks secret and dynamic value references; ${FREE_TEXT}`] },
  },

  // 2. Another domain's raw personal topic, without the owner's publication.
  {
    id: "consumer-reads-personal-topic",
    item: "2",
    what: "a consumer declares the owner's personal topic (every tenant, unfiltered, unmasked) in consumers[].topics",
    setup: mesh({ file: B, from: "      datasets: [accounts]\n", to: "      datasets: [accounts]\n      topics: [accounts]\n" }),
    argv: VALIDATE,
    expect: { code: 1, lines: ["domains/beta.yaml:18:16: spec.consumers[0].topics[0]: topic \"alpha.accounts\" carries personal data (every tenant's events, unfiltered and unmasked) and domain \"alpha\" does not publish it to \"beta\"; read alpha's datasets instead (spec.consumers[].datasets: row filter and masks apply), or alpha's owners add {domain: beta, purpose: ...} to the topic's publishedTo"] },
  },
  {
    id: "consumer-reads-personal-topic-owner-publishes-to-itself",
    item: "2",
    what: "the owner's publishedTo names only itself; the consumer declares the topic anyway",
    setup: mesh({ file: B, from: "      datasets: [accounts]\n", to: "      datasets: [accounts]\n      topics: [accounts]\n" }, { file: A, from: "      personalData: true\n  datasets:", to: "      personalData: true\n      publishedTo: [{ domain: alpha, purpose: Our own pipeline. }]\n  datasets:" }),
    argv: VALIDATE,
    expect: { code: 1, lines: ["domains/beta.yaml:18:16: spec.consumers[0].topics[0]: topic \"alpha.accounts\" carries personal data (every tenant's events, unfiltered and unmasked) and domain \"alpha\" does not publish it to \"beta\"; read alpha's datasets instead (spec.consumers[].datasets: row filter and masks apply), or alpha's owners add {domain: beta, purpose: ...} to the topic's publishedTo"] },
  },

  // 4. A consumer's gold re-publishing the owner's data.
  {
    id: "gold-republishes-to-more-personas",
    item: "4",
    what: "a consumer's gold grants personas the owner's dataset does not",
    setup: mesh({ file: B, from: "        lifecycle: draft\n", to: "        lifecycle: draft\n      access: [internal_analyst, client_admin]\n" }),
    argv: VALIDATE,
    expect: { code: 1, lines: ["domains/beta.yaml:36:34: spec.datasets[0].access[1]: dataset \"account_kpis\" grants client_admin, which \"alpha.accounts\" (access: internal_analyst) does not grant; personas every other domain's source grants: internal_analyst (narrow access, or ask the owner to grant it)"] },
  },
  {
    id: "gold-filter-oracle-on-personal-column",
    item: "4",
    what: "a consumer's gold filter over the owner's e-mail column (runs before masking: an oracle on clear values)",
    setup: mesh({ file: B, from: "        groupBy: [region]\n", to: "        groupBy: [region]\n        filter: \"email = 'ceo@example.com'\"\n" }),
    argv: VALIDATE,
    expect: { code: 1, lines: ["domains/beta.yaml:29:17: spec.datasets[0].aggregate.filter: filter reads \"email\", personal data of \"alpha.accounts\": it runs before masking, so the result is an oracle on clear values; columns of this domain's datasets, or non-personal columns of other domains' datasets (a count_distinct measure may still count persons)"] },
  },
  {
    id: "gold-groups-by-personal-column",
    item: "4",
    what: "a consumer's gold groups by the owner's e-mail column (one clear address per output row)",
    setup: mesh({ file: B, from: "        groupBy: [region]\n", to: "        groupBy: [region, email]\n" }),
    argv: VALIDATE,
    expect: { code: 1, lines: ["domains/beta.yaml:28:27: spec.datasets[0].aggregate.groupBy[1]: group-by column \"email\" is personal data of \"alpha.accounts\": each output row would republish it; columns of this domain's datasets, or non-personal columns of other domains' datasets (a count_distinct measure may still count persons)"] },
  },

  // 10. Inputs that exhaust CI.
  {
    id: "duplicate-keys-32k",
    item: "10",
    what: "32,000 keys and one duplicate (the duplicate check used to be quadratic: 20 s)",
    setup: domains({ "x.yaml": Array.from({ length: 32_000 }, (_, i) => `k${i}: 1`).join("\n") + "\nk0: 2\n" }),
    argv: VALIDATE,
    expect: { code: 1, lines: [`domains/x.yaml:1:1: (file): mapping has more than 100 keys; ${LIMITS}`] },
  },
  {
    id: "flat-map-1mib",
    item: "10",
    what: "a flat map of 1 MiB (used to run for more than 12 minutes)",
    setup: (dir) => {
      let text = "";
      for (let i = 0; text.length < 1_040_000; i++) text += `key_${i}: 1\n`;
      domains({ "x.yaml": text })(dir);
    },
    argv: VALIDATE,
    expect: { code: 1, lines: [`domains/x.yaml:1:1: (file): mapping has more than 100 keys; ${LIMITS}`] },
  },
  {
    id: "flow-list-130k",
    item: "10",
    what: "a 130,000-item flow list (used to crash with an unlocated stack overflow)",
    setup: domains({ "x.yaml": `apiVersion: lakemesh/v1\nmetadata: [${Array(130_000).fill("1").join(",")}]\n` }),
    argv: VALIDATE,
    expect: { code: 1, lines: [`domains/x.yaml:2:11: (file): list has more than 1000 items; ${LIMITS}`] },
  },
  {
    id: "alias-amplification-300kb",
    item: "10",
    what: "a 300 KB list referenced by 100 aliases (used to take 21 s and 580 MB)",
    setup: domains({ "x.yaml": `a: &a [${Array(150_000).fill("x").join(",")}]\nb: [${Array(100).fill("*a").join(",")}]\n` }),
    argv: VALIDATE,
    expect: { code: 1, lines: [`domains/x.yaml:1:4: (file): list has more than 1000 items; ${LIMITS}`] },
  },
  {
    id: "alias-amplification-within-lists",
    item: "10",
    what: "lists within the item limit, multiplied by aliases past the value limit",
    setup: domains({ "x.yaml": `a: &a [${Array(1000).fill("x").join(",")}]\nb: &b [${Array(60).fill("*a").join(",")}]\nc: [*b, *b, *b]\n` }),
    argv: VALIDATE,
    expect: { code: 1, lines: [`domains/x.yaml:2:8: (file): values nest or expand past the limits through aliases; ${LIMITS}`] },
  },
  {
    id: "billion-laughs",
    item: "10",
    what: "nine levels of nine aliases",
    setup: (dir) => {
      const lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
      for (let i = 1; i < 9; i++) lines.push(`l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(", ")}]`);
      domains({ "x.yaml": lines.join("\n") + "\n" })(dir);
    },
    argv: VALIDATE,
    expect: { code: 1, lines: [`domains/x.yaml:2:10: (file): values nest or expand past the limits through aliases; ${LIMITS}`] },
  },
  {
    id: "deep-nesting",
    item: "10",
    what: "100,000 nested flow lists",
    setup: domains({ "x.yaml": "a: " + "[".repeat(100_000) + "]".repeat(100_000) + "\n" }),
    argv: VALIDATE,
    expect: { code: 1, lines: [`domains/x.yaml:1:69: (file): nesting is deeper than 32 levels; ${LIMITS}`] },
  },
  {
    id: "symlink-to-dev-zero",
    item: "10",
    what: "domains/x.yaml -> /dev/zero (used to eat 7 GB)",
    setup: domains({ "x.yaml": (full) => fs.symlinkSync("/dev/zero", full) }),
    argv: VALIDATE,
    expect: { code: 1, lines: [`domains/x.yaml:1:1: (file): file is a symbolic link; ${REGULAR}`] },
  },
  {
    id: "fifo",
    item: "10",
    what: "domains/x.yaml is a FIFO (used to hang forever)",
    setup: domains({ "x.yaml": (full) => execFileSync("mkfifo", [full]) }),
    argv: VALIDATE,
    expect: { code: 1, lines: [`domains/x.yaml:1:1: (file): file is a FIFO; ${REGULAR}`] },
  },
  {
    id: "symlink-outside-repo",
    item: "10",
    what: "a symbolic link to a file outside the repository, whose values would be echoed in errors",
    setup: (dir) => {
      fs.writeFileSync(path.join(dir, "outside-secret.txt"), "apiVersion: AKIA-not-for-your-eyes\n");
      domains({ "x.yaml": (full) => fs.symlinkSync(path.join(dir, "outside-secret.txt"), full) })(dir);
    },
    argv: VALIDATE,
    expect: { code: 1, lines: [`domains/x.yaml:1:1: (file): file is a symbolic link; ${REGULAR}`] },
  },
  {
    id: "domains-folder-is-a-symlink",
    item: "10",
    what: "domains itself a symbolic link to a folder elsewhere",
    setup: (dir) => {
      fs.mkdirSync(path.join(dir, "elsewhere"));
      fs.writeFileSync(path.join(dir, "elsewhere", "x.yaml"), "a: 1\n");
      fs.symlinkSync(path.join(dir, "elsewhere"), path.join(dir, "domains"));
    },
    argv: VALIDATE,
    expect: { code: 1, lines: ["domains:1:1: (file): path is a symbolic link; a regular file or a directory of manifests; symbolic links are not followed"] },
  },
  {
    id: "directory-named-yaml",
    item: "11",
    what: "a directory named x.yaml next to an invalid manifest (used to crash unlocated and hide the other error)",
    setup: (dir) => {
      mesh({ file: A, from: "partitions: 3", to: "partitions: 0" })(dir);
      fs.mkdirSync(path.join(dir, "domains", "x.yaml"));
    },
    argv: VALIDATE,
    expect: { code: 1, lines: ["domains/alpha.yaml:18:19: spec.topics[0].partitions: 0 is out of range; an integer from 1 to 256", `domains/x.yaml:1:1: (file): file is a directory; ${REGULAR}`] },
  },
  {
    id: "too-many-manifests",
    item: "10",
    what: "501 manifests in one folder",
    setup: domains(Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`d${i}.yaml`, "a: 1\n"]))),
    argv: VALIDATE,
    expect: { code: 1, lines: ["domains:1:1: (file): the folder holds more than 500 *.yaml or *.yml entries; at most 500 manifests per run"] },
  },
  {
    id: "mesh-over-32-mib",
    item: "10",
    what: "33 manifests of 1 MiB of comments each (32 MiB per run at most)",
    setup: domains(Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`d${String(i).padStart(2, "0")}.yaml`, `# ${"x".repeat(1_048_000)}\na: 1\n`]))),
    argv: VALIDATE,
    expect: { code: 1, lines: ["domains/d32.yaml:1:1: (file): the manifests read so far hold 34584264 bytes; at most 33554432 bytes (32 MiB) of manifests per run"] },
  },
  {
    id: "many-files-within-every-file-limit",
    item: "10",
    what: "32 manifests of 400 KB, each with 100 lists of 1,000 values: within every per-file limit, past the run's",
    setup: domains(
      Object.fromEntries(
        Array.from({ length: 32 }, (_, f) => [`d${String(f).padStart(2, "0")}.yaml`, Array.from({ length: 100 }, (_, i) => `l${i}: [${Array(1000).fill("1").join(",")}]`).join("\n") + "\n"]),
      ),
    ),
    argv: VALIDATE,
    expect: { code: 1, lines: [`domains/d09.yaml:98:1999: (file): the manifests of this run hold more than 1000000 values; at most 1000000 values in all the manifests of one run`] },
  },
  {
    id: "many-files-of-wide-mappings",
    item: "10",
    what: "32 manifests of 400 KB, each a mapping of 199 lists of 1,000 values",
    setup: domains(
      Object.fromEntries(
        Array.from({ length: 32 }, (_, f) => [`d${String(f).padStart(2, "0")}.yaml`, Array.from({ length: 199 }, (_, i) => `l${i}: [${Array(1000).fill("1").join(",")}]`).join("\n") + "\n"]),
      ),
    ),
    argv: VALIDATE,
    expect: {
      code: 1,
      lines: [`domains/d00.yaml:1:1: (file): mapping has more than 100 keys; ${LIMITS}`, `domains/d09.yaml:98:1999: (file): the manifests of this run hold more than 1000000 values; at most 1000000 values in all the manifests of one run`],
    },
  },
  {
    id: "file-over-1-mib",
    item: "10",
    what: "one manifest over 1 MiB",
    setup: domains({ "x.yaml": `a: "${"x".repeat(1_048_576)}"\n` }),
    argv: VALIDATE,
    expect: { code: 1, lines: [`domains/x.yaml:1:1: (file): file is 1048582 bytes; ${REGULAR}`] },
  },
  {
    id: "not-utf8",
    item: "10",
    what: "bytes that are not UTF-8 (would be read as replacement characters)",
    setup: domains({ "x.yaml": (full) => fs.writeFileSync(full, Buffer.from([0x61, 0x3a, 0x20, 0xff, 0xfe, 0x0a])) }),
    argv: VALIDATE,
    expect: { code: 1, lines: [`domains/x.yaml:1:1: (file): file is not valid UTF-8 text; ${REGULAR}`] },
  },

  // 11. Smaller holes.
  {
    id: "gdpr-type-tostring",
    item: "11",
    what: "gdpr request --type toString (used to crash on Object.prototype)",
    setup: () => undefined,
    argv: ["gdpr", "request", "--type", "toString", "--tenant", "tenant-01", "--subject", "user-01-002"],
    expect: { code: 2, lines: ['lakemesh gdpr: --type "toString" is not a request type; one of: access, erasure'] },
  },
  {
    id: "gdpr-type-proto",
    item: "11",
    what: "gdpr request --type __proto__",
    setup: () => undefined,
    argv: ["gdpr", "request", "--type", "__proto__", "--tenant", "tenant-01", "--subject", "user-01-002"],
    expect: { code: 2, lines: ['lakemesh gdpr: --type "__proto__" is not a request type; one of: access, erasure'] },
  },
  {
    id: "plan-out-foreign-folder",
    item: "11",
    what: "plan --out X where X/dev is a folder lakemesh did not write (used to be deleted)",
    setup: project((dir) => {
      fs.mkdirSync(path.join(dir, "keep", "dev"), { recursive: true });
      fs.writeFileSync(path.join(dir, "keep", "dev", "thesis.tex"), "years of work\n");
    }),
    argv: ["plan", "--stack", "dev", "--quiet", "--out", "keep"],
    expect: { code: 1, lines: ["lakemesh plan: --out: $DIR/keep/dev exists and was not written by lakemesh plan (it has no .lakemesh-plan file); nothing was written. Remove it yourself, or choose another --out"] },
  },
  {
    id: "plan-out-symlink",
    item: "11",
    what: "plan --out X where X/dev is a symbolic link to a folder elsewhere",
    setup: project((dir) => {
      fs.mkdirSync(path.join(dir, "elsewhere"));
      fs.mkdirSync(path.join(dir, "keep"));
      fs.symlinkSync(path.join(dir, "elsewhere"), path.join(dir, "keep", "dev"));
    }),
    argv: ["plan", "--stack", "dev", "--quiet", "--out", "keep"],
    expect: { code: 1, lines: ["lakemesh plan: --out: $DIR/keep/dev exists and is a symbolic link; nothing was written. Remove it, or choose another --out"] },
  },
  {
    id: "policy-config-proto",
    item: "11",
    what: "--policy-config with __proto__ (used to disable every rule)",
    setup: project(write("policy.json", '{"__proto__": {"all": "disabled"}}')),
    argv: ["plan", "--stack", "dev", "--quiet", "--out", "out", "--policy-config", "policy.json"],
    expect: { code: 1, lines: ["lakemesh plan: --policy-config policy.json: (root).__proto__: a prototype key is not a policy name or setting"] },
  },
  {
    id: "policy-config-nested-constructor",
    item: "11",
    what: "--policy-config with a prototype key inside a policy's settings",
    setup: project(write("policy.json", '{"lm-kafka-pii-retention": {"constructor": {"prototype": {"maxRetentionMs": 1}}}}')),
    argv: ["plan", "--stack", "dev", "--quiet", "--out", "out", "--policy-config", "policy.json"],
    expect: { code: 1, lines: ["lakemesh plan: --policy-config policy.json: (root).lm-kafka-pii-retention.constructor: a prototype key is not a policy name or setting"] },
  },
  {
    id: "policy-config-unknown-policy",
    item: "11",
    what: "--policy-config disabling a policy that does not exist (a typo silently doing nothing)",
    setup: project(write("policy.json", '{"lm-kafka-pii-retension": "disabled"}')),
    argv: ["plan", "--stack", "dev", "--quiet", "--out", "out", "--policy-config", "policy.json"],
    expect: { code: 1, lines: ['lakemesh plan: --policy-config policy.json: "lm-kafka-pii-retension" is not a policy of the pack; one of: all, lm-account-objects-single-owner, …'] },
  },
  {
    id: "previous-not-a-plan",
    item: "11",
    what: "a malformed --previous (used to crash)",
    setup: project(write("previous.json", '{"resources": 5}')),
    argv: ["plan", "--stack", "dev", "--quiet", "--out", "out", "--previous", "previous.json"],
    expect: { code: 1, lines: ["lakemesh plan: --previous previous.json: /resources: must be array; a plan.json written by lakemesh plan"] },
  },
  {
    id: "previous-bad-manifest",
    item: "11",
    what: "a --previous whose DataDomain manifest is not one (checked by the manifest schema, as the contract diff reads all of it)",
    setup: project(write("previous.json", '{"resources": [{"type": "lakemesh:domain:DataDomain", "inputs": {"manifest": {"metadata": {"name": "core-business"}, "spec": {"datasets": {"x": 1}}}}}]}')),
    argv: ["plan", "--stack", "dev", "--quiet", "--out", "out", "--previous", "previous.json"],
    expect: { code: 1, lines: ['lakemesh plan: --previous previous.json: /resources/0/inputs/manifest: (root): missing required field "apiVersion"; apiVersion: lakemesh/v1'] },
  },
  {
    id: "previous-not-json",
    item: "11",
    what: "a --previous that is not JSON, with terminal escapes in it",
    setup: project(write("previous.json", "\u001b[2J\u001b[31mowned")),
    argv: ["plan", "--stack", "dev", "--quiet", "--out", "out", "--previous", "previous.json"],
    // JSON.parse's wording differs between Node versions; what matters is that its quote of the file is escaped.
    expect: { code: 1, lines: ["lakemesh plan: --previous previous.json: …"] },
  },
  {
    id: "clear-text-salt",
    item: "11",
    what: "the subject-hash salt in clear text in a stack file",
    setup: project(edit("Pulumi.dev.yaml", "  lakemesh:prefix: lakemesh\n", "  lakemesh:prefix: lakemesh\n  lakemesh:subjectHashSalt: not-so-secret\n")),
    argv: ["plan", "--stack", "dev", "--quiet", "--out", "out"],
    expect: { code: 1, lines: ["lakemesh plan: Pulumi.dev.yaml:6:3: lakemesh:subjectHashSalt: a secret in clear text; set it with `pulumi config set --secret lakemesh:subjectHashSalt` (the file then holds it encrypted)"] },
  },
  {
    id: "clear-text-provider-token",
    item: "11",
    what: "a Databricks token in clear text in a stack file",
    setup: project(edit("Pulumi.dev.yaml", "  lakemesh:prefix: lakemesh\n", "  lakemesh:prefix: lakemesh\n  databricks:token: dapi0123456789\n")),
    argv: ["plan", "--stack", "dev", "--quiet", "--out", "out"],
    expect: { code: 1, lines: ["lakemesh plan: Pulumi.dev.yaml:6:3: databricks:token: a secret in clear text; set it with `pulumi config set --secret databricks:token` (the file then holds it encrypted)"] },
  },
  {
    id: "clear-text-domain-kafka-password",
    item: "11",
    what: "a domain pipeline's Kafka password (a per-domain secret key) in clear text in a stack file",
    setup: project(edit("Pulumi.dev.yaml", "  lakemesh:prefix: lakemesh\n", "  lakemesh:prefix: lakemesh\n  lakemesh:kafkaPipelinePassword-core-business: hunter2\n")),
    argv: ["plan", "--stack", "dev", "--quiet", "--out", "out"],
    expect: {
      code: 1,
      lines: [
        "lakemesh plan: Pulumi.dev.yaml:6:3: lakemesh:kafkaPipelinePassword-core-business: a secret in clear text; set it with `pulumi config set --secret lakemesh:kafkaPipelinePassword-core-business` (the file then holds it encrypted)",
      ],
    },
  },
  {
    id: "file-name-log-injection",
    item: "11",
    what: "a manifest whose file name carries a newline, a CI command and ANSI escapes",
    setup: domains({ "x\n::error::owned\u001b[31m\u202e.yaml": "a: [\n" }),
    argv: VALIDATE,
    expect: { code: 1, lines: [`domains/x\\u000a::error::owned\\u001b[31m\\u202e.yaml:2:1: (file): unexpected end of the stream within a flow collection; ${PLAIN_YAML}`] },
  },
  {
    id: "bidi-in-description",
    item: "11",
    what: "a right-to-left override in a description (reaches a SQL comment)",
    setup: mesh(described("Test \u202eproducer")),
    argv: VALIDATE,
    expect: { code: 1, lines: [`domains/alpha.yaml:6:16: metadata.description: text holds the bidirectional control character U+202E, which reorders displayed text; ${FREE_TEXT}`] },
  },
  {
    id: "lone-surrogate-in-description",
    item: "11",
    what: "a lone surrogate in a column description",
    setup: mesh({ file: A, from: "          description: Balance.", to: '          description: "Balance \\uD800"' }),
    argv: VALIDATE,
    expect: { code: 1, lines: [`domains/alpha.yaml:69:24: spec.datasets[0].columns[4].description: text holds a lone UTF-16 surrogate, which is not a character; ${FREE_TEXT}`] },
  },
  {
    id: "schedule-every-second",
    item: "11",
    what: "a pipeline scheduled every second",
    setup: project(edit("domains/core-business.yaml", 'schedule: "0 0/15 * * * ?"', 'schedule: "* * * * * ?"')),
    argv: ["plan", "--stack", "dev", "--quiet", "--out", "out"],
    expect: {
      code: 1,
      lines: ['domains/core-business.yaml:19:15: spec.pipeline.schedule: "* * * * * ?" can fire every 1 seconds; a schedule that fires at most every 5 minutes (lakemesh:databricks.minScheduleIntervalMinutes of stack dev)'],
    },
  },
  {
    id: "continuous-not-allowed",
    item: "11",
    what: "a domain switching itself to an always-on continuous pipeline",
    setup: project(edit("domains/core-business.yaml", '    mode: triggered\n    schedule: "0 0/15 * * * ?"', "    mode: continuous")),
    argv: ["plan", "--stack", "dev", "--quiet", "--out", "out"],
    expect: {
      code: 1,
      lines: ['domains/core-business.yaml:18:11: spec.pipeline.mode: domain "core-business" asks for an always-on continuous pipeline, which stack dev does not allow it; mode: triggered with a schedule, or the platform team adds "core-business" to lakemesh:databricks.continuousPipelines'],
    },
  },
  {
    id: "retention-on-nullable-column",
    item: "11",
    what: "retention measured on a nullable column (NULL rows never expire)",
    setup: mesh({ file: A, from: "          physicalType: TIMESTAMP\n          required: true\n", to: "          physicalType: TIMESTAMP\n" }),
    argv: VALIDATE,
    expect: { code: 1, lines: ['domains/alpha.yaml:32:17: spec.datasets[0].retention.column: retention column "updated_at" is not required, so rows where it is NULL would never expire; required: true on column "updated_at" (NOT NULL)'] },
  },
  predicateAttack("regex-rlike-catastrophic", "11", "RLIKE with a catastrophic pattern", "region RLIKE '^(a+)+$'", '"RLIKE" is not allowed: Spark runs regular expressions with Java\'s backtracking engine, where one pattern can take exponential time per row'),
  predicateAttack("regex-regexp-like", "11", "regexp_like with nested quantifiers", "regexp_like(region, '(x|x)*y')", '"regexp_like" is not allowed: Spark runs regular expressions with Java\'s backtracking engine, where one pattern can take exponential time per row'),
  predicateAttack("like-many-wildcards", "11", "LIKE with wildcards Spark turns into a backtracking regular expression", "region LIKE '%a%a%a%a%a%b'", "LIKE pattern \"%a%a%a%a%a%b\" has 6 '%' wildcards, which Spark matches with a backtracking regular expression"),
];
