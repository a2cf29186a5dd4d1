import { formatError, MANIFEST_RULES, readManifestFiles, validateMesh } from "../../lib/manifest";
import { baselineMesh, Change, errorsAfter, rulesAfter } from "../helpers/manifests";
import { ROOT } from "../helpers/settings";

const A = "alpha.yaml" as const;
const B = "beta.yaml" as const;

/** [rule id, case, changes to the compliant baseline mesh, the exact errors]. */
const CASES: [string, string, Change[], string[]][] = [
  [
    "unique-names",
    "domain name used twice",
    [{ file: B, from: "  name: beta", to: "  name: alpha" }],
    [
      "mesh/beta.yaml:4:9: metadata.name: domain \"alpha\" is already defined in mesh/alpha.yaml; a domain name used by exactly one manifest",
      "mesh/beta.yaml:16:15: spec.consumers[0].domain: domain \"alpha\" lists itself as a source; another domain of the mesh; a domain reads its own data without a declaration",
      "mesh/beta.yaml:26:22: spec.datasets[0].source.datasets[0].dataset: dataset \"accounts\" does not exist in domain \"alpha\"; one of: account_kpis",
    ],
  ],
  [
    "unique-names",
    "dataset name used twice",
    [{ file: A, from: "- name: balances_by_region", to: "- name: accounts" }],
    [
      "mesh/alpha.yaml:75:13: spec.datasets[1].name: dataset \"accounts\" is already defined at spec.datasets[0]; dataset names unique within the domain",
    ],
  ],
  [
    "unique-names",
    "column name used twice",
    [{ file: A, from: "          required: true\n          description: Last change.\n", to: "          required: true\n          description: Last change.\n        - name: updated_at\n          physicalType: TIMESTAMP\n          description: Again.\n" }],
    [
      "mesh/alpha.yaml:74:17: spec.datasets[0].columns[6].name: column \"updated_at\" is already defined at columns[5]; column names unique within the dataset",
    ],
  ],
  [
    "unique-names",
    "reserved bronze_ prefix",
    [{ file: A, from: "- name: balances_by_region", to: "- name: bronze_balances" }],
    [
      "mesh/alpha.yaml:75:13: spec.datasets[1].name: dataset name \"bronze_balances\" starts with the reserved prefix \"bronze_\"; a name without that prefix; raw bronze tables are generated for every topic",
    ],
  ],
  [
    "tenant-key",
    "tenant key column missing",
    [{ file: B, from: "        - name: tenant_id\n          physicalType: STRING\n          required: true\n          description: Tenant.\n", to: "" }],
    [
      "mesh/beta.yaml:37:9: spec.datasets[0].columns: tenant key column \"tenant_id\" is not among the dataset's columns; a column {name: tenant_id, physicalType: STRING, required: true}, or tenantScoped: false for data shared by all tenants",
    ],
  ],
  [
    "tenant-key",
    "tenant key not STRING",
    [{ file: A, from: "        - name: tenant_id\n          physicalType: STRING\n          required: true\n          description: Tenant.\n        - name: account_id", to: "        - name: tenant_id\n          physicalType: BIGINT\n          required: true\n          description: Tenant.\n        - name: account_id" }],
    [
      "mesh/alpha.yaml:43:25: spec.datasets[0].columns[0].physicalType: tenant key column \"tenant_id\" is BIGINT; physicalType: STRING",
    ],
  ],
  [
    "tenant-key",
    "tenant key not required",
    [{ file: A, from: "        - name: tenant_id\n          physicalType: STRING\n          required: true\n          description: Tenant.\n        - name: account_id", to: "        - name: tenant_id\n          physicalType: STRING\n          description: Tenant.\n        - name: account_id" }],
    [
      "mesh/alpha.yaml:42:11: spec.datasets[0].columns[0]: tenant key column \"tenant_id\" is not required; required: true (tenant tables are tenant_id STRING NOT NULL)",
    ],
  ],
  [
    "tenant-key",
    "tenantKey names another column than the platform's tenant column",
    [{ file: A, from: "      subjectKey: account_id\n", to: "      subjectKey: account_id\n      tenantKey: org_id\n" }],
    [
      "mesh/alpha.yaml:29:18: spec.datasets[0].tenantKey: tenantKey \"org_id\" is not the platform's tenant column; tenantKey: tenant_id, or no tenantKey (the row filter, the bronze tables and tenant_principals all key on tenant_id)",
      "mesh/alpha.yaml:81:13: spec.datasets[1].source.datasets[0]: source \"accounts\" keys tenants by \"org_id\", this dataset by \"tenant_id\"; the same tenant key name across joined datasets",
      "mesh/beta.yaml:25:13: spec.datasets[0].source.datasets[0]: source \"accounts\" keys tenants by \"org_id\", this dataset by \"tenant_id\"; the same tenant key name across joined datasets",
    ],
  ],
  [
    "reserved-names",
    "a domain that would take the governance schema",
    [{ file: B, from: "  name: beta", to: "  name: governance" }],
    [
      "mesh/beta.yaml:4:9: metadata.name: domain \"governance\" would take the schema \"governance\", which the platform or Unity Catalog owns; a name whose schema is none of: governance, default, information_schema, global_temp, session, builtin, system",
    ],
  ],
  [
    "reserved-names",
    "a kebab-case name that becomes information_schema",
    [{ file: B, from: "  name: beta", to: "  name: information-schema" }],
    [
      "mesh/beta.yaml:4:9: metadata.name: domain \"information-schema\" would take the schema \"information_schema\", which the platform or Unity Catalog owns; a name whose schema is none of: governance, default, information_schema, global_temp, session, builtin, system",
    ],
  ],
  [
    "reserved-names",
    "a domain whose group would match the platform admin pattern",
    [{ file: B, from: "  name: beta", to: "  name: x-platform-admins" }],
    [
      "mesh/beta.yaml:4:9: metadata.name: domain \"x-platform-admins\" ends with \"platform-admins\", the name of a persona or platform group; a name that does not end with any of: admin, admins, platform-admins, client-admins, data-scientists, internal-analysts, end-users, gdpr-officers, legal-hold, auditors, api-service, bi-service, pipelines",
    ],
  ],
  [
    "tenant-key",
    "tenantScoped: false on a dataset that has the tenant column",
    [{ file: A, from: "    - name: balances_by_region\n      description: Balance per region.\n", to: "    - name: balances_by_region\n      description: Balance per region.\n      tenantScoped: false\n" }],
    [
      "mesh/alpha.yaml:77:21: spec.datasets[1].tenantScoped: dataset \"balances_by_region\" has the tenant column \"tenant_id\" (columns[0]) but says tenantScoped: false, which would drop its row filter; tenantScoped: true (the default); only reference data without a tenant_id column is shared by all tenants",
      "mesh/alpha.yaml:81:13: spec.datasets[1].source.datasets[0]: shared dataset \"balances_by_region\" reads tenant-scoped \"accounts\"; only shared sources in a dataset with tenantScoped: false (tenant data must not lose its tenant)",
      "mesh/alpha.yaml:94:17: spec.datasets[1].columns[0].name: column \"tenant_id\" is neither the tenant key, a group-by column nor a measure; columns: region, accounts, total_balance",
    ],
  ],
  [
    "retention",
    "retention measured on a nullable column",
    [{ file: A, from: "          physicalType: TIMESTAMP\n          required: true\n", to: "          physicalType: TIMESTAMP\n" }],
    [
      "mesh/alpha.yaml:32:17: spec.datasets[0].retention.column: retention column \"updated_at\" is not required, so rows where it is NULL would never expire; required: true on column \"updated_at\" (NOT NULL)",
      "mesh/alpha.yaml:73:19: spec.datasets[0].sequenceBy: sequenceBy column \"updated_at\" is not required; required: true on \"updated_at\" (events without it are dropped before silver); a required TIMESTAMP, TIMESTAMP_NTZ, DATE or integer column that grows with every change of a row (e.g. updated_at or a version number), not personal data and not part of the key",
    ],
  ],
  [
    "free-text",
    "variable and secret substitution syntax in descriptions",
    [
      { file: A, from: "  description: Test producer domain.", to: "  description: \"Reads ${spark.lakemesh.subject_salt}\"" },
      { file: A, from: "          description: Balance.", to: "          description: \"{{secrets/lakemesh-kafka/x}}\"" },
    ],
    [
      "mesh/alpha.yaml:6:16: metadata.description: text holds '${', which Spark and Lakeflow pipelines replace with configuration values; plain text: no '${', '{{', bidirectional controls, lone surrogates or control characters other than tab and line feed",
      "mesh/alpha.yaml:69:24: spec.datasets[0].columns[4].description: text holds '{{', the syntax of Databricks secret and dynamic value references; plain text: no '${', '{{', bidirectional controls, lone surrogates or control characters other than tab and line feed",
    ],
  ],
  [
    "free-text",
    "an owner contact that is a valid e-mail address and a substitution",
    [{ file: A, from: "    contact: alpha@example.com", to: '    contact: "${spark.lakemesh.subject_salt}@example.com"' }],
    ["mesh/alpha.yaml:9:14: metadata.owner.contact: text holds '${', which Spark and Lakeflow pipelines replace with configuration values; plain text: no '${', '{{', bidirectional controls, lone surrogates or control characters other than tab and line feed"],
  ],
  [
    "free-text",
    "a bidirectional control in a description",
    [{ file: A, from: "  description: Test producer domain.", to: "  description: \"Test \\u202Eproducer\"" }],
    ["mesh/alpha.yaml:6:16: metadata.description: text holds the bidirectional control character U+202E, which reorders displayed text; plain text: no '${', '{{', bidirectional controls, lone surrogates or control characters other than tab and line feed"],
  ],
  [
    "free-text",
    "a lone surrogate in a column description",
    [{ file: A, from: "          description: Balance.", to: "          description: \"Balance \\uD800\"" }],
    ["mesh/alpha.yaml:69:24: spec.datasets[0].columns[4].description: text holds a lone UTF-16 surrogate, which is not a character; plain text: no '${', '{{', bidirectional controls, lone surrogates or control characters other than tab and line feed"],
  ],
  [
    "expectations",
    "variable substitution inside a predicate's string literal",
    [{ file: A, from: 'predicate: "balance >= 0"', to: `predicate: "region = '\${spark.lakemesh.subject_salt}'"` }],
    [
      `mesh/alpha.yaml:35:22: spec.datasets[0].expectations[0].predicate: "region = '\${spark.lakemesh.subject_salt}'": predicate holds '\${', which Spark and Lakeflow pipelines replace with configuration values; one boolean predicate over this dataset's columns using comparisons, AND/OR/NOT, IS [NOT] NULL, IN, BETWEEN, LIKE with a literal pattern of at most one % (or '%text%'), single-quoted strings without backslashes, '\${' or '{{', numbers and the functions abs, ceil, coalesce, concat, current_date, current_timestamp, date_add, date_sub, datediff, day, floor, greatest, isnotnull, isnull, least, length, lower, month, nullif, round, size, substring, to_date, trim, upper, year`,
    ],
  ],
  [
    "expectations",
    "a regular expression that backtracks catastrophically",
    [{ file: A, from: 'predicate: "balance >= 0"', to: `predicate: "region RLIKE '^(a+)+$'"` }],
    [
      `mesh/alpha.yaml:35:22: spec.datasets[0].expectations[0].predicate: "region RLIKE '^(a+)+$'": "RLIKE" is not allowed: Spark runs regular expressions with Java's backtracking engine, where one pattern can take exponential time per row; one boolean predicate over this dataset's columns using comparisons, AND/OR/NOT, IS [NOT] NULL, IN, BETWEEN, LIKE with a literal pattern of at most one % (or '%text%'), single-quoted strings without backslashes, '\${' or '{{', numbers and the functions abs, ceil, coalesce, concat, current_date, current_timestamp, date_add, date_sub, datediff, day, floor, greatest, isnotnull, isnull, least, length, lower, month, nullif, round, size, substring, to_date, trim, upper, year`,
    ],
  ],
  [
    "pipeline-schedule",
    "a schedule field out of range",
    [{ file: A, from: "spec:\n", to: 'spec:\n  pipeline:\n    schedule: "99 * * * * ?"\n' }],
    [
      "mesh/alpha.yaml:12:15: spec.pipeline.schedule: \"99 * * * * ?\" \"99\" is outside 0-59 in the seconds field; a Quartz cron of 6 or 7 fields whose seconds, minutes and hours are values, ranges or steps, e.g. '0 0/15 * * * ?'",
    ],
  ],
  [
    "pipeline-schedule",
    "a schedule on a continuous pipeline",
    [{ file: A, from: "spec:\n", to: 'spec:\n  pipeline:\n    mode: continuous\n    schedule: "0 0 * * * ?"\n' }],
    ["mesh/alpha.yaml:13:15: spec.pipeline.schedule: a continuous pipeline runs all the time; a schedule does not apply; no schedule with mode: continuous"],
  ],
  [
    "subject-key",
    "personal data without subjectKey",
    [{ file: A, from: "      subjectKey: account_id\n", to: "" }],
    [
      "mesh/alpha.yaml:23:7: spec.datasets[0]: dataset \"accounts\" has personal columns (account_id, email) but no subjectKey; subjectKey: the column that identifies the data subject, so access and erasure requests can find their rows",
    ],
  ],
  [
    "subject-key",
    "subjectKey names a missing column",
    [{ file: A, from: "      subjectKey: account_id\n", to: "      subjectKey: holder_id\n" }],
    [
      "mesh/alpha.yaml:28:19: spec.datasets[0].subjectKey: subjectKey \"holder_id\" is not a column of dataset \"accounts\"; one of: tenant_id, account_id, email, region, balance, updated_at",
    ],
  ],
  [
    "personal-data",
    "date_of_birth on a STRING column",
    [{ file: A, from: "            category: email", to: "            category: date_of_birth" }],
    [
      "mesh/alpha.yaml:57:25: spec.datasets[0].columns[2].physicalType: personal column \"email\" of category date_of_birth is STRING; physicalType: DATE or a numeric type (TINYINT, SMALLINT, INT, BIGINT, FLOAT, DOUBLE, DECIMAL(p,s)) (a mask of category date_of_birth takes and returns exactly the column's type)",
    ],
  ],
  [
    "personal-data",
    "an e-mail column typed as a number",
    [{ file: A, from: "          physicalType: STRING\n          description: E-mail.", to: "          physicalType: BIGINT\n          description: E-mail." }],
    [
      "mesh/alpha.yaml:57:25: spec.datasets[0].columns[2].physicalType: personal column \"email\" of category email is BIGINT; physicalType: STRING (a mask of category email takes and returns exactly the column's type)",
    ],
  ],
  [
    "unmarked-personal-data",
    "a national tax id without personalData",
    [{ file: A, from: "        - name: region\n          physicalType: STRING\n          description: Region.\n        - name: balance\n", to: "        - name: national_tax_id\n          physicalType: STRING\n          description: Tax id of the holder.\n        - name: region\n          physicalType: STRING\n          description: Region.\n        - name: balance\n" }],
    [
      "mesh/alpha.yaml:64:17: spec.datasets[0].columns[3].name: column \"national_tax_id\" looks like personal data (national_id: by its name) but has no personalData; personalData: {category: national_id, erasure, legalBasis, purpose}; or, if it holds no personal data, personalData: false with a reason",
    ],
  ],
  [
    "unmarked-personal-data",
    "a column described as holding e-mail addresses",
    [{ file: A, from: "          description: Region.\n        - name: balance\n", to: "          description: Region.\n        - name: contact\n          physicalType: STRING\n          description: E-mail address of the account holder.\n        - name: balance\n" }],
    [
      "mesh/alpha.yaml:67:17: spec.datasets[0].columns[4].name: column \"contact\" looks like personal data (email: its description says \"E-mail address\") but has no personalData; personalData: {category: email, erasure, legalBasis, purpose}; or, if it holds no personal data, personalData: false with a reason",
    ],
  ],
  [
    "unmarked-personal-data",
    "example values that are e-mail addresses",
    [{ file: A, from: "          description: Region.\n        - name: balance\n", to: "          description: Region.\n          examples: [ana@example.com, bo@example.org]\n        - name: balance\n" }],
    [
      "mesh/alpha.yaml:64:17: spec.datasets[0].columns[3].name: column \"region\" looks like personal data (email: 2 of 2 example values look like email) but has no personalData; personalData: {category: email, erasure, legalBasis, purpose}; or, if it holds no personal data, personalData: false with a reason",
    ],
  ],
  [
    "unmarked-personal-data",
    "personalData: false without a reason",
    [{ file: A, from: "          description: Region.\n        - name: balance\n", to: "          description: Region.\n          personalData: false\n        - name: balance\n" }],
    [
      "mesh/alpha.yaml:67:25: spec.datasets[0].columns[3].personalData: column \"region\" says personalData: false without a reason; reason: why the column holds no personal data (10 to 500 characters), shown in review, plan.md and DataHub",
    ],
  ],
  [
    "unmarked-personal-data",
    "a reason on a column not marked personalData: false",
    [{ file: A, from: "          description: Region.\n        - name: balance\n", to: "          description: Region.\n          reason: Regions are sales territories.\n        - name: balance\n" }],
    [
      "mesh/alpha.yaml:67:11: spec.datasets[0].columns[3].reason: column \"region\" has a reason but no personalData: false; reason only together with personalData: false",
    ],
  ],
  [
    "schema",
    "personalData: true",
    [{ file: A, from: "          description: Region.\n        - name: balance\n", to: "          description: Region.\n          personalData: true\n        - name: balance\n" }],
    [
      "mesh/alpha.yaml:67:25: spec.datasets[0].columns[3].personalData: \"true\" is not allowed; an object with category, erasure, legalBasis and purpose; or false, with a reason",
    ],
  ],
  [
    "personal-topic-retention",
    "a personal topic kept 30 days",
    [{ file: A, from: "      retention: P7D\n", to: "      retention: P30D\n" }],
    [
      "mesh/alpha.yaml:19:18: spec.topics[0].retention: topic \"accounts\" carries personal data and keeps an event up to 31 days (retention P30D plus up to 1 day until its segment rolls), past the 30-day erasure deadline; a retention of at most P29D (older events are read from bronze, which erasure reaches)",
    ],
  ],
  [
    "topic-reads",
    "a consumer declares another domain's personal topic the owner does not publish",
    [{ file: B, from: "      datasets: [accounts]\n", to: "      datasets: [accounts]\n      topics: [accounts]\n" }],
    [
      "mesh/beta.yaml:18:16: spec.consumers[0].topics[0]: topic \"alpha.accounts\" carries personal data (every tenant's events, unfiltered and unmasked) and domain \"alpha\" does not publish it to \"beta\"; read alpha's datasets instead (spec.consumers[].datasets: row filter and masks apply), or alpha's owners add {domain: beta, purpose: ...} to the topic's publishedTo",
    ],
  ],
  [
    "topic-reads",
    "a personal topic published to the owner itself, to a domain that does not exist, and to one domain twice",
    [{ file: A, from: "      personalData: true\n  datasets:", to: "      personalData: true\n      publishedTo:\n        - { domain: alpha, purpose: Itself. }\n        - { domain: gamma, purpose: Nobody. }\n        - { domain: beta, purpose: Fraud checks. }\n        - { domain: beta, purpose: Again. }\n  datasets:" }],
    [
      "mesh/alpha.yaml:23:21: spec.topics[0].publishedTo[0].domain: topic \"accounts\" is published to its own domain \"alpha\"; another domain of the mesh: one of beta; the owner's pipeline reads its topics without it",
      "mesh/alpha.yaml:24:21: spec.topics[0].publishedTo[1].domain: topic \"accounts\" is published to domain \"gamma\", which does not exist; one of: beta",
      "mesh/alpha.yaml:26:21: spec.topics[0].publishedTo[3].domain: topic \"accounts\" is already published to \"beta\" at publishedTo[2]; each domain at most once",
    ],
  ],
  [
    "republishing",
    "a consumer's gold grants personas the owner's dataset does not",
    [{ file: B, from: "        lifecycle: draft\n", to: "        lifecycle: draft\n      access: [internal_analyst, client_admin, bi_service]\n" }],
    [
      "mesh/beta.yaml:36:34: spec.datasets[0].access[1]: dataset \"account_kpis\" grants client_admin, which \"alpha.accounts\" (access: internal_analyst) does not grant; personas every other domain's source grants: internal_analyst (narrow access, or ask the owner to grant it)",
      "mesh/beta.yaml:36:48: spec.datasets[0].access[2]: dataset \"account_kpis\" grants bi_service, which \"alpha.accounts\" (access: internal_analyst) does not grant; personas every other domain's source grants: internal_analyst (narrow access, or ask the owner to grant it)",
    ],
  ],
  [
    "republishing",
    "a consumer's gold filters on the owner's personal column",
    [{ file: B, from: "        groupBy: [region]\n", to: "        groupBy: [region]\n        filter: \"email = 'ceo@example.com'\"\n" }],
    [
      "mesh/beta.yaml:29:17: spec.datasets[0].aggregate.filter: filter reads \"email\", personal data of \"alpha.accounts\": it runs before masking, so the result is an oracle on clear values; columns of this domain's datasets, or non-personal columns of other domains' datasets (a count_distinct measure may still count persons)",
    ],
  ],
  [
    "personal-data",
    "shared dataset with personal data",
    [{ file: A, from: "      subjectKey: account_id\n", to: "      subjectKey: account_id\n      tenantScoped: false\n" }, { file: A, from: "        - name: tenant_id\n          physicalType: STRING\n          required: true\n          description: Tenant.\n        - name: account_id", to: "        - name: account_id" }],
    [
      "mesh/alpha.yaml:29:21: spec.datasets[0].tenantScoped: dataset \"accounts\" is shared by all tenants but has personal columns (account_id, email); personal data only in tenant-scoped datasets (tenantScoped: true)",
      "mesh/alpha.yaml:30:19: spec.datasets[0].clusterBy[0]: \"tenant_id\" is not a column of dataset \"accounts\"; one of: account_id, email, region, balance, updated_at",
      "mesh/alpha.yaml:77:13: spec.datasets[1].source.datasets[0]: the first source \"accounts\" of tenant-scoped \"balances_by_region\" is shared by all tenants; a tenant-scoped first source, so every output row has a tenant",
      "mesh/beta.yaml:25:13: spec.datasets[0].source.datasets[0]: the first source \"accounts\" of tenant-scoped \"account_kpis\" is shared by all tenants; a tenant-scoped first source, so every output row has a tenant",
    ],
  ],
  [
    "personal-data",
    "topic feeding personal columns not marked personal",
    [{ file: A, from: "personalData: true", to: "personalData: false" }],
    [
      "mesh/alpha.yaml:21:21: spec.topics[0].personalData: topic \"accounts\" feeds personal columns of dataset \"accounts\" but has personalData: false; personalData: true (bounded retention and erasure then apply to the topic)",
    ],
  ],
  [
    "retention",
    "personal data without retention",
    [{ file: A, from: "      retention:\n        period: P1Y\n        column: updated_at\n", to: "" }],
    [
      "mesh/alpha.yaml:23:7: spec.datasets[0]: dataset \"accounts\" holds personal data but declares no retention; retention: {period: <ISO 8601 duration>, column: <DATE or TIMESTAMP column>}",
    ],
  ],
  [
    "retention",
    "retention column is not DATE or TIMESTAMP",
    [{ file: A, from: "column: updated_at", to: "column: region" }],
    [
      "mesh/alpha.yaml:32:17: spec.datasets[0].retention.column: retention column \"region\" is STRING; a DATE or TIMESTAMP column",
    ],
  ],
  [
    "legal-hold",
    "personal data kept under legal_obligation without a legal hold",
    [{ file: A, from: "legalBasis: contract\n            purpose: Notices.", to: "legalBasis: legal_obligation\n            purpose: Notices." }],
    [
      "mesh/alpha.yaml:23:7: spec.datasets[0]: dataset \"accounts\" keeps personal data under legal_obligation (email) but declares no legalHold, so an erasure request would delete what the law asks to keep; legalHold: {obligation: <the law, e.g. \"§147 AO: tax records 10 years\">, period: <ISO 8601 duration>}",
    ],
  ],
  [
    "legal-hold",
    "a legal hold without a legal_obligation column",
    [{ file: A, from: "        column: updated_at\n      expectations:", to: "        column: updated_at\n      legalHold: { obligation: \"§147 AO: tax records 10 years\", period: P1Y }\n      expectations:" }],
    [
      "mesh/alpha.yaml:33:18: spec.datasets[0].legalHold: dataset \"accounts\" declares legalHold but none of its personal columns has legalBasis legal_obligation; legalBasis: legal_obligation on the columns the law keeps, or no legalHold",
    ],
  ],
  [
    "legal-hold",
    "a legal hold longer than the retention",
    [{ file: A, from: "legalBasis: contract\n            purpose: Notices.", to: "legalBasis: legal_obligation\n            purpose: Notices." }, { file: A, from: "        column: updated_at\n      expectations:", to: "        column: updated_at\n      legalHold: { obligation: \"§147 AO: tax records 10 years\", period: P2Y }\n      expectations:" }],
    [
      "mesh/alpha.yaml:33:73: spec.datasets[0].legalHold.period: legalHold period P2Y is longer than the dataset's retention P1Y, which deletes every row after it; a period of at most P1Y, or a longer retention",
    ],
  ],
  [
    "legal-hold",
    "a legal hold without a retention",
    [{ file: A, from: "legalBasis: contract\n            purpose: Notices.", to: "legalBasis: legal_obligation\n            purpose: Notices." }, { file: A, from: "        column: updated_at\n      expectations:", to: "        column: updated_at\n      legalHold: { obligation: \"§147 AO: tax records 10 years\", period: P1Y }\n      expectations:" }, { file: A, from: "      retention:\n        period: P1Y\n        column: updated_at\n", to: "" }],
    [
      "mesh/alpha.yaml:23:7: spec.datasets[0]: dataset \"accounts\" holds personal data but declares no retention; retention: {period: <ISO 8601 duration>, column: <DATE or TIMESTAMP column>}",
      "mesh/alpha.yaml:30:18: spec.datasets[0].legalHold: dataset \"accounts\" declares legalHold but no retention, so nothing measures when the hold ends; retention: {period, column} next to legalHold (the hold's period is measured on the retention column)",
    ],
  ],
  [
    "legal-hold",
    "a legal hold without a subject key",
    [{ file: A, from: "legalBasis: contract\n            purpose: Notices.", to: "legalBasis: legal_obligation\n            purpose: Notices." }, { file: A, from: "        column: updated_at\n      expectations:", to: "        column: updated_at\n      legalHold: { obligation: \"§147 AO: tax records 10 years\", period: P1Y }\n      expectations:" }, { file: A, from: "      subjectKey: account_id\n", to: "" }],
    [
      "mesh/alpha.yaml:23:7: spec.datasets[0]: dataset \"accounts\" has personal columns (account_id, email) but no subjectKey; subjectKey: the column that identifies the data subject, so access and erasure requests can find their rows",
      "mesh/alpha.yaml:32:18: spec.datasets[0].legalHold: dataset \"accounts\" declares legalHold but has no subjectKey; a tenant-scoped dataset with a subjectKey: restrictions are kept per tenant and subject",
    ],
  ],
  [
    "durations",
    "topic retention is not ISO 8601",
    [{ file: A, from: "retention: P7D", to: "retention: 7 days" }],
    [
      "mesh/alpha.yaml:19:18: spec.topics[0].retention: \"7 days\" is not an ISO 8601 duration; a duration such as PT15M, P7D, P1Y6M (PnYnMnWnDTnHnMnS, whole numbers)",
    ],
  ],
  [
    "durations",
    "retention period of zero",
    [{ file: A, from: "period: P1Y", to: "period: P0D" }],
    [
      "mesh/alpha.yaml:31:17: spec.datasets[0].retention.period: \"P0D\" is zero; a duration longer than zero",
    ],
  ],
  [
    "contract-version",
    "contract version is not semver",
    [{ file: B, from: "version: 0.1.0", to: "version: v1" }],
    [
      "mesh/beta.yaml:34:18: spec.datasets[0].contract.version: \"v1\" is not a semantic version; MAJOR.MINOR.PATCH such as 1.0.0 (semver.org)",
    ],
  ],
  [
    "column-types",
    "logicalType disagrees with physicalType",
    [{ file: A, from: "          physicalType: DECIMAL(18,2)\n", to: "          physicalType: DECIMAL(18,2)\n          logicalType: integer\n" }],
    [
      "mesh/alpha.yaml:69:24: spec.datasets[0].columns[4].logicalType: logicalType integer does not match physicalType DECIMAL(18,2); logicalType: number, or omit it",
    ],
  ],
  [
    "column-types",
    "DECIMAL scale above precision",
    [{ file: A, from: "physicalType: DECIMAL(18,2)", to: "physicalType: DECIMAL(2,3)" }],
    [
      "mesh/alpha.yaml:68:25: spec.datasets[0].columns[4].physicalType: DECIMAL(2,3) has a scale above its precision; DECIMAL(p,s) with s <= p",
    ],
  ],
  [
    "column-types",
    "primary key not required",
    [{ file: A, from: "          required: true\n          primaryKey: true", to: "          primaryKey: true" }],
    [
      "mesh/alpha.yaml:46:11: spec.datasets[0].columns[1]: primary-key column \"account_id\" is not required; required: true on primary-key columns",
    ],
  ],
  [
    "sequence-by",
    "keyed silver without sequenceBy",
    [{ file: A, from: "      sequenceBy: updated_at\n", to: "" }],
    [
      "mesh/alpha.yaml:23:7: spec.datasets[0]: dataset \"accounts\" has a primary key (account_id) but no sequenceBy: silver keeps the latest row per key and needs the column that orders a row's changes; sequenceBy: a required TIMESTAMP, TIMESTAMP_NTZ, DATE or integer column that grows with every change of a row (e.g. updated_at or a version number), not personal data and not part of the key",
    ],
  ],
  [
    "sequence-by",
    "sequenceBy names a missing column",
    [{ file: A, from: "      sequenceBy: updated_at", to: "      sequenceBy: changed_at" }],
    [
      "mesh/alpha.yaml:74:19: spec.datasets[0].sequenceBy: sequenceBy \"changed_at\" is not a column of dataset \"accounts\"; a required TIMESTAMP, TIMESTAMP_NTZ, DATE or integer column that grows with every change of a row (e.g. updated_at or a version number), not personal data and not part of the key",
    ],
  ],
  [
    "sequence-by",
    "sequenceBy is a STRING",
    [{ file: A, from: "      sequenceBy: updated_at", to: "      sequenceBy: region" }],
    [
      "mesh/alpha.yaml:74:19: spec.datasets[0].sequenceBy: sequenceBy column \"region\" is STRING; a required TIMESTAMP, TIMESTAMP_NTZ, DATE or integer column that grows with every change of a row (e.g. updated_at or a version number), not personal data and not part of the key",
    ],
  ],
  [
    "sequence-by",
    "sequenceBy is not required",
    [{ file: A, from: "          required: true\n          description: Last change.\n", to: "          description: Last change.\n" }],
    [
      "mesh/alpha.yaml:32:17: spec.datasets[0].retention.column: retention column \"updated_at\" is not required, so rows where it is NULL would never expire; required: true on column \"updated_at\" (NOT NULL)",
      "mesh/alpha.yaml:73:19: spec.datasets[0].sequenceBy: sequenceBy column \"updated_at\" is not required; required: true on \"updated_at\" (events without it are dropped before silver); a required TIMESTAMP, TIMESTAMP_NTZ, DATE or integer column that grows with every change of a row (e.g. updated_at or a version number), not personal data and not part of the key",
    ],
  ],
  [
    "sequence-by",
    "sequenceBy is personal data",
    [{ file: A, from: "          required: true\n          description: Last change.\n", to: "          required: true\n          description: Last change.\n          personalData: { category: date_of_birth, erasure: delete, legalBasis: contract, purpose: Test. }\n" }],
    [
      "mesh/alpha.yaml:71:25: spec.datasets[0].columns[5].physicalType: personal column \"updated_at\" of category date_of_birth is TIMESTAMP; physicalType: DATE or a numeric type (TINYINT, SMALLINT, INT, BIGINT, FLOAT, DOUBLE, DECIMAL(p,s)) (a mask of category date_of_birth takes and returns exactly the column's type)",
      "mesh/alpha.yaml:75:19: spec.datasets[0].sequenceBy: sequenceBy column \"updated_at\" is personal data (date_of_birth); a required TIMESTAMP, TIMESTAMP_NTZ, DATE or integer column that grows with every change of a row (e.g. updated_at or a version number), not personal data and not part of the key: scdType 2 copies it unmasked into __START_AT and __END_AT",
    ],
  ],
  [
    "sequence-by",
    "sequenceBy is part of the key",
    [{ file: A, from: "          required: true\n          description: Last change.\n", to: "          required: true\n          primaryKey: true\n          description: Last change.\n" }],
    [
      "mesh/alpha.yaml:75:19: spec.datasets[0].sequenceBy: sequenceBy column \"updated_at\" is part of the key; a required TIMESTAMP, TIMESTAMP_NTZ, DATE or integer column that grows with every change of a row (e.g. updated_at or a version number), not personal data and not part of the key: a row's key never changes, so it cannot order the row's changes",
    ],
  ],
  [
    "sequence-by",
    "sequenceBy without a primary key",
    [{ file: A, from: "          required: true\n          primaryKey: true\n", to: "          required: true\n" }],
    [
      "mesh/alpha.yaml:73:19: spec.datasets[0].sequenceBy: sequenceBy on dataset \"accounts\", which has no primary key; primaryKey: true on the columns that identify a row, or no sequenceBy and scdType (silver without a key is append-only)",
    ],
  ],
  [
    "sequence-by",
    "scdType on a gold dataset",
    [{ file: A, from: "      source:\n        datasets:\n          - dataset: accounts\n", to: "      source:\n        datasets:\n          - dataset: accounts\n      scdType: 2\n" }],
    [
      "mesh/alpha.yaml:81:16: spec.datasets[1].scdType: scdType on gold dataset \"balances_by_region\"; sequenceBy and scdType only on silver datasets; gold is recomputed from its sources",
    ],
  ],
  [
    "sequence-by",
    "gold of another domain reads a dataset that keeps history",
    [{ file: A, from: "      sequenceBy: updated_at", to: "      sequenceBy: updated_at\n      scdType: 2" }],
    [
      "mesh/beta.yaml:25:13: spec.datasets[0].source.datasets[0]: source \"alpha.accounts\" keeps every version (scdType 2); a dataset of another domain with scdType 1, or a gold dataset of its own domain that reads the current versions",
    ],
  ],
  [
    "clustering",
    "clusterBy names a missing column",
    [{ file: A, from: "clusterBy: [tenant_id]", to: "clusterBy: [tenant_id, country]" }],
    [
      "mesh/alpha.yaml:29:30: spec.datasets[0].clusterBy[1]: \"country\" is not a column of dataset \"accounts\"; one of: tenant_id, account_id, email, region, balance, updated_at",
    ],
  ],
  [
    "personal-data",
    "examples on a personal column",
    [{ file: A, from: "          description: E-mail.\n", to: "          description: E-mail.\n          examples: [a@example.com]\n" }],
    [
      'mesh/alpha.yaml:59:21: spec.datasets[0].columns[2].examples: personal column "email" has examples; no examples on personal columns: a manifest is not a place for personal data',
    ],
  ],
  [
    "column-types",
    "an example of the wrong type",
    [{ file: A, from: "          description: Region.\n        - name: balance", to: "          description: Region.\n          examples: [EU, 3]\n        - name: balance" }],
    ['mesh/alpha.yaml:67:26: spec.datasets[0].columns[3].examples[1]: example 3 does not fit STRING; numbers for numeric columns, true or false for BOOLEAN, strings otherwise'],
  ],
  [
    "clustering",
    "personal clustering column",
    [{ file: A, from: "clusterBy: [tenant_id]", to: "clusterBy: [tenant_id, email]" }],
    [
      'mesh/alpha.yaml:29:30: spec.datasets[0].clusterBy[1]: "email" is personal data (email); a column without personal data: clustering keeps min/max statistics in the Delta log, which outlive erasure',
    ],
  ],
  [
    "clustering",
    "four clustering columns without the tenant key",
    [{ file: A, from: "clusterBy: [tenant_id]", to: "clusterBy: [region, balance, updated_at, account_id]" }],
    [
      'mesh/alpha.yaml:29:18: spec.datasets[0].clusterBy: 4 columns besides the tenant key "tenant_id", which is clustered first; at most 3 columns besides the tenant key (4 in all)',
      // The fixture has only three clusterable columns besides the tenant key; the fourth is personal.
      'mesh/alpha.yaml:29:48: spec.datasets[0].clusterBy[3]: "account_id" is personal data (identifier); a column without personal data: clustering keeps min/max statistics in the Delta log, which outlive erasure',
    ],
  ],
  [
    "clustering",
    "clusterBy and partitionBy together",
    [{ file: A, from: "clusterBy: [tenant_id]", to: "clusterBy: [tenant_id]\n      partitionBy:\n        columns: [region]\n        reason: Regions are queried one at a time." }],
    [
      "mesh/alpha.yaml:31:9: spec.datasets[0].partitionBy: dataset \"accounts\" sets both clusterBy and partitionBy; one of them; liquid clustering (clusterBy) is the default",
    ],
  ],
  [
    "layers",
    "silver dataset reading datasets",
    [{ file: A, from: "      source:\n        topic: accounts\n", to: "      source:\n        datasets:\n          - dataset: balances_by_region\n" }],
    [
      "mesh/alpha.yaml:27:9: spec.datasets[0].source: datasets read each other in a cycle: accounts -> balances_by_region -> accounts; an acyclic bronze -> silver -> gold graph",
      "mesh/alpha.yaml:27:9: spec.datasets[0].source: silver dataset \"accounts\" does not read a topic; source: {topic: <a topic of spec.topics>}",
    ],
  ],
  [
    "layers",
    "gold dataset without aggregate",
    [{ file: B, from: "      aggregate:\n        groupBy: [region]\n        measures:\n          - name: holders\n            function: count_distinct\n            column: account_id\n", to: "" }],
    [
      "mesh/beta.yaml:20:7: spec.datasets[0]: gold dataset \"account_kpis\" has no aggregate; aggregate: {groupBy: [...], measures: [...]}",
    ],
  ],
  [
    "layers",
    "second source without join",
    [{ file: A, from: "          - dataset: accounts\n      aggregate", to: "          - dataset: accounts\n          - domain: beta\n            dataset: account_kpis\n      aggregate" }],
    [
      "mesh/alpha.yaml:81:13: spec.datasets[1].source.datasets[1]: source \"account_kpis\" has no join; join: {on: [<columns shared with the first source>], type: inner | left}",
      "mesh/alpha.yaml:82:22: spec.datasets[1].source.datasets[1].dataset: cross-domain read of \"beta.account_kpis\" is not declared in spec.consumers; a spec.consumers entry {domain: beta, datasets: [account_kpis], purpose: ...}",
      "mesh/alpha.yaml:82:22: spec.datasets[1].source.datasets[1].dataset: dataset \"beta.account_kpis\" is draft, not published; only datasets with contract.lifecycle: active can be read by other domains",
      "mesh/alpha.yaml:84:19: spec.datasets[1].aggregate.groupBy[0]: column \"region\" is in several sources and is not a join key; a column of exactly one source, or a join key",
      "mesh/alpha.yaml:99:17: spec.datasets[1].columns[1].name: column \"region\" is neither the tenant key, a group-by column nor a measure; columns: tenant_id, accounts, total_balance",
    ],
  ],
  [
    "accepted-majors",
    "a consumer accepts a major of a dataset it does not read",
    [{ file: B, from: "      purpose: Account KPIs.\n", to: "      acceptedMajors: { balances_by_region: 1 }\n      purpose: Account KPIs.\n" }],
    [
      'mesh/beta.yaml:18:25: spec.consumers[0].acceptedMajors.balances_by_region: "balances_by_region" is not a dataset this domain reads from "alpha"; one of the datasets in this consumer\'s datasets, or fed by its topics: accounts',
    ],
  ],
  [
    "accepted-majors",
    "a consumer accepts a major the producer has not published",
    [{ file: B, from: "      purpose: Account KPIs.\n", to: "      acceptedMajors: { accounts: 2 }\n      purpose: Account KPIs.\n" }],
    [
      'mesh/beta.yaml:18:35: spec.consumers[0].acceptedMajors.accounts: major 2 of "alpha.accounts" is not published (its contract is 1.0.0); at most 1, the producer\'s current major',
    ],
  ],
  [
    "references",
    "unknown topic",
    [{ file: A, from: "        topic: accounts", to: "        topic: account-events" }],
    [
      "mesh/alpha.yaml:27:16: spec.datasets[0].source.topic: topic \"account-events\" is not defined in spec.topics; one of: accounts",
    ],
  ],
  [
    "references",
    "cross-domain read not declared in consumers",
    [{ file: B, from: "  consumers:\n    - domain: alpha\n      datasets: [accounts]\n      purpose: Account KPIs.\n", to: "" }],
    [
      "mesh/beta.yaml:22:22: spec.datasets[0].source.datasets[0].dataset: cross-domain read of \"alpha.accounts\" is not declared in spec.consumers; a spec.consumers entry {domain: alpha, datasets: [accounts], purpose: ...}",
    ],
  ],
  [
    "references",
    "cross-domain read of an unpublished dataset",
    [{ file: A, from: "        version: 1.0.0\n        lifecycle: active\n      access", to: "        version: 1.0.0\n        lifecycle: draft\n      access" }],
    [
      "mesh/beta.yaml:17:18: spec.consumers[0].datasets[0]: dataset \"alpha.accounts\" is draft, not published; only datasets with contract.lifecycle: active can be read by other domains",
      "mesh/beta.yaml:26:22: spec.datasets[0].source.datasets[0].dataset: dataset \"alpha.accounts\" is draft, not published; only datasets with contract.lifecycle: active can be read by other domains",
    ],
  ],
  [
    "references",
    "consumer of an unknown domain",
    [{ file: B, from: "      purpose: Account KPIs.\n", to: "      purpose: Account KPIs.\n    - domain: gamma\n      purpose: Nothing yet.\n" }],
    [
      "mesh/beta.yaml:19:15: spec.consumers[1].domain: domain \"gamma\" does not exist; one of: alpha, beta",
    ],
  ],
  [
    "references",
    "topic key is not a column",
    [{ file: A, from: "key: account_id", to: "key: account_ref" }],
    [
      "mesh/alpha.yaml:20:12: spec.topics[0].key: key field \"account_ref\" is not a column of dataset \"accounts\", which this topic feeds; one of: tenant_id, account_id, email, region, balance, updated_at",
    ],
  ],
  [
    "gold-aggregate",
    "measure sums a STRING column",
    [{ file: A, from: "            function: sum\n            column: balance", to: "            function: sum\n            column: region" }],
    [
      "mesh/alpha.yaml:88:21: spec.datasets[1].aggregate.measures[1].column: sum over \"region\", which is STRING; a numeric column for sum and avg",
    ],
  ],
  [
    "gold-aggregate",
    "group-by output type differs from its source",
    [{ file: A, from: "        - name: region\n          physicalType: STRING\n          description: Region.\n        - name: accounts", to: "        - name: region\n          physicalType: INT\n          description: Region.\n        - name: accounts" }],
    [
      "mesh/alpha.yaml:98:25: spec.datasets[1].columns[1].physicalType: column \"region\" is INT but its source column is STRING; physicalType: STRING",
    ],
  ],
  [
    "gold-aggregate",
    "measure output not declared",
    [{ file: A, from: "        - name: total_balance\n          physicalType: DECIMAL(28,2)\n          description: Sum of balances.\n", to: "" }],
    [
      "mesh/alpha.yaml:93:9: spec.datasets[1].columns: output column \"total_balance\" (from aggregate.measures.1) is not declared in columns; one column entry per tenant key, group-by column and measure",
    ],
  ],
  [
    "gold-aggregate",
    "personal group-by column loses its category",
    [{ file: B, from: "        groupBy: [region]", to: "        groupBy: [region, email]" }, { file: B, from: "        - name: holders\n          physicalType: BIGINT", to: "        - name: email\n          physicalType: STRING\n          description: E-mail.\n        - name: holders\n          physicalType: BIGINT" }],
    [
      // A consumer's gold grouping by the owner's personal column is also refused by republishing (issue 15, item 4).
      "mesh/beta.yaml:28:27: spec.datasets[0].aggregate.groupBy[1]: group-by column \"email\" is personal data of \"alpha.accounts\": each output row would republish it; columns of this domain's datasets, or non-personal columns of other domains' datasets (a count_distinct measure may still count persons)",
      "mesh/beta.yaml:44:11: spec.datasets[0].columns[2].personalData: column \"email\" carries personal data of category email from its source but is not marked so; personalData: {category: email, ...}",
      "mesh/beta.yaml:44:17: spec.datasets[0].columns[2].name: column \"email\" looks like personal data (email: by its name) but has no personalData; personalData: {category: email, erasure, legalBasis, purpose}; or, if it holds no personal data, personalData: false with a reason",
    ],
  ],
  [
    "gold-aggregate",
    "shared dataset reads tenant data",
    [{ file: B, from: "  datasets:\n    - name: account_kpis\n      description: Accounts per region from alpha.\n", to: "  datasets:\n    - name: account_kpis\n      tenantScoped: false\n      description: Accounts per region from alpha.\n" }, { file: B, from: "        - name: tenant_id\n          physicalType: STRING\n          required: true\n          description: Tenant.\n", to: "" }],
    [
      "mesh/beta.yaml:26:13: spec.datasets[0].source.datasets[0]: shared dataset \"account_kpis\" reads tenant-scoped \"accounts\"; only shared sources in a dataset with tenantScoped: false (tenant data must not lose its tenant)",
    ],
  ],
  [
    "expectations",
    "statement injected after a predicate",
    [{ file: A, from: "\"balance >= 0\"", to: "\"balance >= 0; DROP TABLE x\"" }],
    [
      "mesh/alpha.yaml:35:22: spec.datasets[0].expectations[0].predicate: \"balance >= 0; DROP TABLE x\": ';' is not allowed (one predicate, not statements); one boolean predicate over this dataset's columns using comparisons, AND/OR/NOT, IS [NOT] NULL, IN, BETWEEN, LIKE with a literal pattern of at most one % (or '%text%'), single-quoted strings without backslashes, '${' or '{{', numbers and the functions abs, ceil, coalesce, concat, current_date, current_timestamp, date_add, date_sub, datediff, day, floor, greatest, isnotnull, isnull, least, length, lower, month, nullif, round, size, substring, to_date, trim, upper, year",
    ],
  ],
  [
    "expectations",
    "sub-query in a predicate",
    [{ file: A, from: "\"balance >= 0\"", to: "\"balance >= (SELECT 1)\"" }],
    [
      "mesh/alpha.yaml:35:22: spec.datasets[0].expectations[0].predicate: \"balance >= (SELECT 1)\": \"SELECT\" is not allowed in a predicate; one boolean predicate over this dataset's columns using comparisons, AND/OR/NOT, IS [NOT] NULL, IN, BETWEEN, LIKE with a literal pattern of at most one % (or '%text%'), single-quoted strings without backslashes, '${' or '{{', numbers and the functions abs, ceil, coalesce, concat, current_date, current_timestamp, date_add, date_sub, datediff, day, floor, greatest, isnotnull, isnull, least, length, lower, month, nullif, round, size, substring, to_date, trim, upper, year",
    ],
  ],
  [
    "expectations",
    "comment in a predicate",
    [{ file: A, from: "\"balance >= 0\"", to: "\"balance >= 0 -- always\"" }],
    [
      "mesh/alpha.yaml:35:22: spec.datasets[0].expectations[0].predicate: \"balance >= 0 -- always\": comments are not allowed; one boolean predicate over this dataset's columns using comparisons, AND/OR/NOT, IS [NOT] NULL, IN, BETWEEN, LIKE with a literal pattern of at most one % (or '%text%'), single-quoted strings without backslashes, '${' or '{{', numbers and the functions abs, ceil, coalesce, concat, current_date, current_timestamp, date_add, date_sub, datediff, day, floor, greatest, isnotnull, isnull, least, length, lower, month, nullif, round, size, substring, to_date, trim, upper, year",
    ],
  ],
  [
    "expectations",
    "unknown column in a predicate",
    [{ file: A, from: "\"balance >= 0\"", to: "\"amount >= 0\"" }],
    [
      "mesh/alpha.yaml:35:22: spec.datasets[0].expectations[0].predicate: \"amount >= 0\": \"amount\" is not a column of this dataset; columns: tenant_id, account_id, email, region, balance, updated_at",
    ],
  ],
  [
    "expectations",
    "not a boolean",
    [{ file: A, from: "\"balance >= 0\"", to: "\"balance + 1\"" }],
    [
      "mesh/alpha.yaml:35:22: spec.datasets[0].expectations[0].predicate: \"balance + 1\": predicate does not evaluate to a boolean; one boolean predicate over this dataset's columns using comparisons, AND/OR/NOT, IS [NOT] NULL, IN, BETWEEN, LIKE with a literal pattern of at most one % (or '%text%'), single-quoted strings without backslashes, '${' or '{{', numbers and the functions abs, ceil, coalesce, concat, current_date, current_timestamp, date_add, date_sub, datediff, day, floor, greatest, isnotnull, isnull, least, length, lower, month, nullif, round, size, substring, to_date, trim, upper, year",
    ],
  ],
  [
    "expectation-actions",
    "fail on a dataset with personal columns",
    [{ file: A, from: "onViolation: drop", to: "onViolation: fail" }],
    [
      "mesh/alpha.yaml:36:24: spec.datasets[0].expectations[0].onViolation: expectation \"positive_balance\" fails the update on dataset \"accounts\" (personal columns account_id, email): the failure message carries the whole offending record into the pipeline event log and failure mails, which erasure never reaches (https://docs.databricks.com/aws/error-messages/expectation-violation-error-class); warn or drop on a dataset that personal data reaches",
    ],
  ],
  [
    "expectation-actions",
    "fail on a gold dataset whose source has personal columns (the input row is in the message)",
    [{ file: A, from: "      contract:\n        version: 1.0.0\n        lifecycle: active\n      columns:", to: "      expectations:\n        - name: some_accounts\n          predicate: \"accounts > 0\"\n          onViolation: fail\n      contract:\n        version: 1.0.0\n        lifecycle: active\n      columns:" }],
    [
      "mesh/alpha.yaml:92:24: spec.datasets[1].expectations[0].onViolation: expectation \"some_accounts\" fails the update on dataset \"balances_by_region\" (source alpha.accounts has personal columns account_id, email): the failure message carries the whole offending record into the pipeline event log and failure mails, which erasure never reaches (https://docs.databricks.com/aws/error-messages/expectation-violation-error-class); warn or drop on a dataset that personal data reaches",
    ],
  ],
];

describe("semantic rules", () => {
  it("the baseline mesh is valid", () => {
    expect(validateMesh(baselineMesh()).errors).toEqual([]);
  });

  it.each(CASES)("%s: %s", (rule, _name, changes, expected) => {
    expect(errorsAfter(...changes)).toEqual(expected);
    expect(rulesAfter(...changes)).toContain(rule);
  });

  it.each([
    ["DECIMAL(18,2)", "financial"],
    ["BIGINT", "identifier"],
    ["INT", "date_of_birth"],
    ["DOUBLE", "phone"],
  ])("allows personal data of a numeric type: %s of category %s", (type, category) => {
    const personal = `          physicalType: ${type}\n          description: Balance.\n          personalData:\n            category: ${category}\n            erasure: anonymize\n            legalBasis: contract\n            purpose: Run the account.\n`;
    expect(errorsAfter({ file: A, from: "          physicalType: DECIMAL(18,2)\n          description: Balance.\n", to: personal })).toEqual([]);
  });

  it("accepts a column that looks personal when it says personalData: false with a reason", () => {
    const to = "        - name: national_tax_id\n          physicalType: STRING\n          description: Tax id of the holder.\n          personalData: false\n          reason: Holds the issuing tax office's id, never the holder's.\n        - name: balance\n";
    expect(errorsAfter({ file: A, from: "        - name: balance\n", to })).toEqual([]);
  });

  it("allows a personal topic its real maximum, P29D, and a topic without personal data more", () => {
    expect(errorsAfter({ file: A, from: "      retention: P7D\n", to: "      retention: P29D\n" })).toEqual([]);
    expect(errorsAfter({ file: A, from: "      retention: P7D\n", to: "      retention: PT696H\n" })).toEqual([]);
    expect(errorsAfter({ file: A, from: "      retention: P7D\n", to: "      retention: PT697H\n" })).toHaveLength(1);
    // A second topic kept 90 days: allowed without personal data, refused (the control) with it.
    const topic = (personal: boolean): Change => ({
      file: A,
      from: "      personalData: true\n  datasets:\n",
      to: `      personalData: true\n    - name: audit\n      description: Audit events.\n      partitions: 1\n      retention: P90D\n      key: account_id\n      personalData: ${personal}\n  datasets:\n`,
    });
    expect(errorsAfter(topic(false))).toEqual([]);
    expect(rulesAfter(topic(true))).toEqual(["personal-topic-retention"]);
  });

  it("topic-reads: a personal topic its owner publishes to the reader (with a purpose) may be declared", () => {
    const declare = { file: B, from: "      datasets: [accounts]\n", to: "      datasets: [accounts]\n      topics: [accounts]\n" } as const;
    const publish = { file: A, from: "      personalData: true\n  datasets:", to: "      personalData: true\n      publishedTo:\n        - { domain: beta, purpose: Fraud checks on account changes. }\n  datasets:" } as const;
    expect(errorsAfter(declare, publish)).toEqual([]);
    // Published to another domain only: beta is still refused.
    const toOther = { ...publish, to: publish.to.replace("domain: beta", "domain: alpha") };
    expect(rulesAfter(declare, toOther)).toEqual(["topic-reads", "topic-reads"]);
  });

  it("republishing: a gold over the domain's own gold is bounded by the other domains' sources underneath", () => {
    const again = {
      file: B,
      from: "          description: Distinct holders.\n",
      to:
        "          description: Distinct holders.\n" +
        "    - name: kpis_again\n      description: Again.\n      layer: gold\n      source:\n        datasets:\n          - dataset: account_kpis\n" +
        "      aggregate:\n        groupBy: [region]\n        measures:\n          - { name: regions, function: count }\n" +
        "      contract: { version: 0.1.0, lifecycle: draft }\n      access: [internal_analyst, client_admin]\n      columns:\n" +
        "        - { name: tenant_id, physicalType: STRING, required: true, description: Tenant. }\n" +
        "        - { name: region, physicalType: STRING, description: Region. }\n" +
        "        - { name: regions, physicalType: BIGINT, description: Rows. }\n",
    } as const;
    expect(errorsAfter(again)).toEqual([
      "mesh/beta.yaml:58:34: spec.datasets[1].access[1]: dataset \"kpis_again\" grants client_admin, which \"alpha.accounts\" (access: internal_analyst) does not grant; personas every other domain's source grants: internal_analyst (narrow access, or ask the owner to grant it)",
    ]);
  });

  it("republishing: a consumer's gold may not group by the owner's personal column; the owner may filter its own", () => {
    // Grouping by email puts each clear address in a row of beta's gold (gold-aggregate also wants it marked personal).
    const groupByEmail = { file: B, from: "        groupBy: [region]\n", to: "        groupBy: [region, email]\n" } as const;
    expect(errorsAfter(groupByEmail).filter((e) => e.includes("spec.datasets[0].aggregate.groupBy[1]"))).toEqual([
      "mesh/beta.yaml:28:27: spec.datasets[0].aggregate.groupBy[1]: group-by column \"email\" is personal data of \"alpha.accounts\": each output row would republish it; columns of this domain's datasets, or non-personal columns of other domains' datasets (a count_distinct measure may still count persons)",
    ]);
    // A filter on the owner's non-personal columns, and an owner's filter on its own personal columns, stay allowed.
    expect(errorsAfter({ file: B, from: "        groupBy: [region]\n", to: "        groupBy: [region]\n        filter: \"region <> 'eu'\"\n" })).toEqual([]);
    expect(errorsAfter({ file: A, from: "        groupBy: [region]\n", to: "        groupBy: [region]\n        filter: \"email IS NOT NULL\"\n" })).toEqual([]);
  });

  it("allows fail where no personal data reaches the flow, and refuses it again on the shipped datasets that had it", () => {
    const shipped = readManifestFiles(["domains"], ROOT).files;
    const edit = (file: string, from: string, to: string) =>
      validateMesh(shipped.map((f) => (f.file.endsWith(file) ? { ...f, text: f.text.replace(from, () => to) } : f))).errors.map(formatError);
    // equity_plans: no personal column, its topic carries none.
    expect(edit("core-business.yaml", '"authorized_shares > 0", onViolation: drop', '"authorized_shares > 0", onViolation: fail')).toEqual([]);
    // The two shipped expectations that failed updates before: each is refused again if it comes back.
    expect(edit("core-business.yaml", '"exercise_price >= 0", onViolation: drop', '"exercise_price >= 0", onViolation: fail')).toEqual([
      expect.stringMatching(/^domains\/core-business\.yaml:\d+:\d+: spec\.datasets\[2\]\.expectations\[1\]\.onViolation: expectation "non_negative_price" fails the update on dataset "equity_exercises" \(personal columns holder_user_id, /),
    ]);
    expect(edit("operational-activities.yaml", '"amount >= 0", onViolation: drop', '"amount >= 0", onViolation: fail')).toEqual([
      expect.stringMatching(/^domains\/operational-activities\.yaml:\d+:\d+: spec\.datasets\[\d\]\.expectations\[0\]\.onViolation: expectation "non_negative_amount" fails the update on dataset "invoices" \(personal columns /),
    ]);
  });

  it("every rule has at least one failing case", () => {
    const covered = new Set(CASES.map(([rule]) => rule));
    expect(MANIFEST_RULES.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
  });
});
