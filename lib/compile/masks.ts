// Column masks per (category, type). Databricks applies a mask function to the column's own values and casts
// its result back to the column's type: "The masked column's type must be castable to the SQL UDF parameter type
// ... The return type of the function must be castable to the data type of the masked column"
// (https://docs.databricks.com/aws/en/sql/language-manual/sql-ref-syntax-ddl-column-mask), and a cast that cannot
// hold the value fails the query ("'CONFIDENTIAL' cannot be cast to a DOUBLE column type", numeric overflow:
// https://docs.databricks.com/aws/en/data-governance/unity-catalog/abac/common-patterns). We take the stricter
// reading: every mask's parameter and return type are exactly the column's type, so nothing is ever cast. A text
// mask per category (STRING, DATE for birth dates) keeps its old name; a numeric personal column gets a mask of its
// own type, `mask_<category>_<type>` (mask_financial_decimal_18_2), declared by the platform for every pair the
// mesh uses.
import { isNumeric, maskType, personalColumns } from "../manifest";
import type { Mesh } from "./model";
import { CATEGORIES, platformNames, type Category, type PlatformNames } from "./platform-names";

/** One mask function: the category it hides, the exact type it takes and returns, what others see instead. */
export interface MaskSpec {
  /** `category` for the category's text type, else `<category>_<type>`: the function is mask_<key>, and the `pii` tag value. */
  readonly key: string;
  readonly category: Category;
  readonly type: string;
  /** SQL over `value` (of `type`) giving what a principal not allowed to see the value gets. */
  readonly expression: string;
  readonly shows: string;
}

/**
 * HMAC-SHA256 (RFC 2104) of the value under the platform's pseudonym key: H((K ^ opad) || H((K ^ ipad) || value)),
 * with both padded key blocks read by uncorrelated scalar subqueries from the key table (sql/tables/pseudonym_key.sql;
 * more than one row fails the query, none gives NULL). An unkeyed hash of an id
 * from a small space (employee numbers, sequential ids) is reversed by hashing every candidate; without the key it
 * cannot be. Databricks SQL has no hmac function, so it is built from sha2 over BINARY. The body of a SQL function runs
 * with its owner's authorization, so readers need no grant on the key table and get none.
 */
const PSEUDONYM =
  "sha2(concat(unhex((SELECT outer_pad FROM {{pseudonym_key}})), unhex(sha2(concat(unhex((SELECT inner_pad FROM {{pseudonym_key}})), encode(value, 'UTF-8')), 256))), 256)";

/** What each text mask shows to a principal not allowed to see the value. Fixed SQL of this codebase, reviewed here. */
export const MASKED: Readonly<Record<Category, { type: "STRING" | "DATE"; expression: string; shows: string }>> = {
  identifier: { type: "STRING", expression: PSEUDONYM, shows: "a stable pseudonym (HMAC-SHA256 under a key only the mask reads), so counts and joins still work" },
  email: { type: "STRING", expression: "regexp_replace(value, '^[^@]*', '***')", shows: "the domain part only" },
  name: { type: "STRING", expression: "concat(left(value, 1), '***')", shows: "the first letter" },
  phone: { type: "STRING", expression: "concat('***', right(value, 2))", shows: "the last two digits" },
  address: { type: "STRING", expression: "'***'", shows: "nothing" },
  national_id: { type: "STRING", expression: "'***'", shows: "nothing" },
  date_of_birth: { type: "DATE", expression: "make_date(year(value), 1, 1)", shows: "the year (as 1 January)" },
  financial: { type: "STRING", expression: "concat('****', right(value, 4))", shows: "the last four characters" },
  online_identifier: { type: "STRING", expression: "'***'", shows: "nothing" },
  free_text: { type: "STRING", expression: "'[redacted]'", shows: "[redacted]" },
};

/**
 * A numeric mask: money (financial) shows its order of magnitude with its sign (123456.78 -> 100000.00), every
 * other category NULL. The bucket is never larger in magnitude than the value, so it fits the column's type;
 * try_cast turns the one exception (a value so close to the type's maximum that the double rounds up to the next
 * power of ten) into NULL instead of failing the query. log10 of 0 is NULL, so 0 shows as NULL.
 */
function numericMask(category: Category, type: string): { expression: string; shows: string } {
  return category === "financial"
    ? { expression: `try_cast(sign(value) * power(10, floor(log10(abs(value)))) AS ${type})`, shows: "its order of magnitude (123456.78 as 100000.00), 0 as NULL" }
    : { expression: `CAST(NULL AS ${type})`, shows: "NULL" };
}

/** `DECIMAL(18,2)` -> `decimal_18_2`, `BIGINT` -> `bigint`. */
function typeSlug(type: string): string {
  return type.toLowerCase().replace(/[(,]/g, "_").replace(/\)/g, "");
}

/** The key of the mask of a personal column: its category for the category's text type, else category_type. */
export function maskKey(category: Category, type: string): string {
  return type === maskType(category) ? category : `${category}_${typeSlug(type)}`;
}

/** The mask of (category, type). Types are the ones the personal-data rule allows (validate first). */
export function maskSpec(category: Category, type: string): MaskSpec {
  if (type === maskType(category)) return { key: category, category, type, expression: MASKED[category].expression, shows: MASKED[category].shows };
  if (!isNumeric(type)) throw new Error(`no mask for a ${type} column of category ${category} (validate first)`);
  return { key: maskKey(category, type), category, type, ...numericMask(category, type) };
}

/**
 * Every mask the platform declares, sorted by key: each category's text mask, plus one per (category, type) of the
 * mesh's numeric personal columns.
 */
export function maskSpecs(mesh?: Mesh): MaskSpec[] {
  const specs = new Map<string, MaskSpec>(CATEGORIES.map((c) => [c, maskSpec(c, maskType(c))]));
  for (const d of mesh?.domains ?? []) {
    for (const ds of d.spec.datasets) {
      for (const c of personalColumns(ds)) {
        const s = maskSpec(c.personalData.category, c.physicalType);
        specs.set(s.key, s);
      }
    }
  }
  return [...specs.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The platform names of a mesh's stack: every mask it declares included. */
export function meshPlatformNames(catalog: string, mesh: Mesh): PlatformNames {
  return platformNames(catalog, maskSpecs(mesh).map((m) => m.key));
}
