import { checkPredicate } from "../../lib/manifest";

const COLUMNS = new Set(["amount", "status", "email", "active", "created_at"]);
const BOOLEANS = new Set(["active"]);

describe("checkPredicate", () => {
  it.each([
    ["amount > 0", ["amount"]],
    ["amount IS NULL OR amount >= 0", ["amount"]],
    ["status IN ('open', 'closed')", ["status"]],
    ["status NOT LIKE 'x%' AND length(email) > 3", ["email", "status"]],
    ["amount BETWEEN 1 AND 5", ["amount"]],
    ["created_at <= current_timestamp()", ["created_at"]],
    ["active", ["active"]],
    ["status = 'it''s'", ["status"]],
    ["CAST(amount AS BIGINT) <> 0", ["amount"]],
    ["email LIKE '%@example.com'", ["email"]],
    ["email ILIKE '%@%'", ["email"]],
    ["status LIKE 'a_b%'", ["status"]],
    ["status IS DISTINCT FROM 'x'", ["status"]],
    ["coalesce(amount, 0) >= 0", ["amount"]],
  ])("accepts %s", (text, columns) => {
    expect(checkPredicate(text, COLUMNS, BOOLEANS)).toEqual({ ok: true, columns });
  });

  it.each([
    ["amount > 0; DROP TABLE t", "';' is not allowed (one predicate, not statements)"],
    ["amount > 0 -- comment", "comments are not allowed"],
    ["amount > 0 /* x */", "comments are not allowed"],
    ["`amount` > 0", "` quoting is not allowed (column names need no quoting)"],
    ['"amount" > 0', '" quoting is not allowed (column names need no quoting)'],
    ["status = 'a\\' OR 1=1 --'", "backslashes are not allowed"],
    ["status = 'open", "unterminated string literal"],
    ["amount > (SELECT max(amount) FROM t)", '"SELECT" is not allowed in a predicate'],
    ["amount > 0 UNION ALL", '"UNION" is not allowed in a predicate'],
    ["exists(x)", '"exists" is not allowed in a predicate'],
    ["java_method('java.lang.System', 'exit', 0) = 1", '"java_method" is not allowed in a predicate'],
    ["reflect('x') IS NULL", '"reflect" is not allowed in a predicate'],
    ["evil(amount) > 0", 'function "evil" is not allowed'],
    ["(amount > 0", "unbalanced '('"],
    ["amount > 0)", "unbalanced ')'"],
    ["amount > 0, status = 'x'", "',' outside a function call or IN list (one predicate only)"],
    ["amount + 1", "predicate does not evaluate to a boolean"],
    ["", "predicate is empty"],
    ["amount > $1", 'character "$" is not allowed'],
    ["CAST(amount AS evil) > 0", '"evil" is not a type CAST may use'],
    ["amount FROM t", '"FROM" is only allowed in IS [NOT] DISTINCT FROM'],
    ["status = '${spark.lakemesh.subject_salt}'", "predicate holds '${', which Spark and Lakeflow pipelines replace with configuration values"],
    ["status = '{{secrets/lakemesh-kafka/x}}'", "predicate holds '{{', the syntax of Databricks secret and dynamic value references"],
    ["status = 'a\u202eb'", "predicate holds the bidirectional control character U+202E, which reorders displayed text"],
    ["status = 'a\ud800'", "predicate holds a lone UTF-16 surrogate, which is not a character"],
    ["email RLIKE '(a+)+$'", '"RLIKE" is not allowed: Spark runs regular expressions with Java\'s backtracking engine, where one pattern can take exponential time per row'],
    ["regexp_like(email, '^(a|aa)+$')", '"regexp_like" is not allowed: Spark runs regular expressions with Java\'s backtracking engine, where one pattern can take exponential time per row'],
    ["email REGEXP 'x'", '"REGEXP" is not allowed: Spark runs regular expressions with Java\'s backtracking engine, where one pattern can take exponential time per row'],
    ["email LIKE '%a%a%a%a%b'", "LIKE pattern \"%a%a%a%a%b\" has 5 '%' wildcards, which Spark matches with a backtracking regular expression"],
    ["email LIKE '%a_b%'", "LIKE pattern \"%a_b%\" has 2 '%' wildcards, which Spark matches with a backtracking regular expression"],
    ["email LIKE status", "LIKE needs a single-quoted pattern right after it"],
    ["email NOT ILIKE concat('%', status)", "ILIKE needs a single-quoted pattern right after it"],
  ])("rejects %s", (text, problem) => {
    const r = checkPredicate(text, COLUMNS, BOOLEANS);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problem).toBe(problem);
  });

  it("names unknown columns and lists the known ones", () => {
    expect(checkPredicate("balance > 0", COLUMNS)).toEqual({
      ok: false,
      problem: '"balance" is not a column of this dataset',
      allowed: "columns: amount, status, email, active, created_at",
    });
  });
});
