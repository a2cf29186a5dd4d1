// The pattern table (patterns.json), compiled once. The same file drives the Python value classifier of the local
// plane (scripts/local/personal_values.py): patterns use only the regular-expression syntax both languages share.
import table from "./patterns.json";
import type { PersonalData } from "../manifest/types.gen";

export type Category = PersonalData["category"];

export interface ColumnRule {
  readonly category: Category;
  readonly types: RegExp;
  readonly name: RegExp;
  readonly description: RegExp;
  /** When set, the description counts only for names of this shape (an id, a money word). */
  readonly describedName?: RegExp;
  /** Data of a company (its registered office, tax id, bank account) is not personal. */
  readonly organisationVeto: boolean;
}

export interface ValuePattern {
  readonly category: Category;
  readonly match: "full" | "search";
  readonly pattern: RegExp;
  readonly check?: "iban" | "luhn";
}

interface RawRule {
  category: string;
  types: string;
  name: string;
  description: string;
  describedName?: string;
  organisationVeto?: boolean;
}

interface RawValue {
  category: string;
  match: string;
  pattern: string;
  check?: string;
}

const raw = table as unknown as {
  columns: { persons: string; descriptionVeto: string; ignoredTypes: string; notPersonalNames: string; organisationNames: string; organisationDescriptions: string; rules: RawRule[] };
  values: { minShare: number; patterns: RawValue[] };
};

/** A rule pattern with {person} replaced by the table's alternation of people. */
const withPersons = (pattern: string) => pattern.split("{person}").join(raw.columns.persons);

export const COLUMN_TABLE = {
  ignoredTypes: new RegExp(raw.columns.ignoredTypes),
  notPersonalNames: new RegExp(raw.columns.notPersonalNames),
  organisationNames: new RegExp(raw.columns.organisationNames),
  organisationDescriptions: new RegExp(raw.columns.organisationDescriptions, "i"),
  descriptionVeto: new RegExp(raw.columns.descriptionVeto, "i"),
  rules: raw.columns.rules.map(
    (r): ColumnRule => ({
      category: r.category as Category,
      types: new RegExp(r.types),
      name: new RegExp(withPersons(r.name)),
      description: new RegExp(withPersons(r.description), "i"),
      ...(r.describedName ? { describedName: new RegExp(withPersons(r.describedName)) } : {}),
      organisationVeto: r.organisationVeto === true,
    }),
  ),
};

export const VALUE_TABLE = {
  minShare: raw.values.minShare,
  patterns: raw.values.patterns.map(
    (p): ValuePattern => ({
      category: p.category as Category,
      match: p.match as "full" | "search",
      pattern: new RegExp(p.match === "full" ? `^(?:${p.pattern})$` : p.pattern),
      ...(p.check ? { check: p.check as "iban" | "luhn" } : {}),
    }),
  ),
};
