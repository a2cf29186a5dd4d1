import { COLUMN_TABLE, type Category } from "./table";
import { classifyValues } from "./values";

/** What the classifier looks at: a manifest column (its name, description, type and examples). */
export interface ColumnFacts {
  readonly name: string;
  readonly description?: string;
  readonly physicalType: string;
  /** Example values (the manifest's `examples`, or values seen in data). */
  readonly examples?: readonly unknown[];
}

/** Why a column looks personal. */
export interface Finding {
  readonly category: Category;
  readonly by: "name" | "description" | "values";
  /** What matched, for the message: the name, the description's words, or a value's category and share. */
  readonly evidence: string;
}

/**
 * Whether a column looks like personal data, and of which category: the first rule of the table whose types admit
 * the column's type and whose name pattern matches, else the first whose description pattern matches, unless the name says it is a count, flag or
 * kind of something (notPersonalNames) or, for rules that say so, the data belongs to a company. Example values
 * that look personal (e-mail addresses, IBANs, ...) flag the column too.
 */
export function classifyColumn(c: ColumnFacts): Finding | undefined {
  const t = COLUMN_TABLE;
  if (!t.ignoredTypes.test(c.physicalType) && !t.notPersonalNames.test(c.name)) {
    const description = c.description ?? "";
    const organisation = t.organisationNames.test(c.name) || t.organisationDescriptions.test(description);
    const rules = t.rules.filter((r) => r.types.test(c.physicalType) && !(r.organisationVeto && organisation));
    // A name says more than a description: every rule's name pattern is tried before any description pattern.
    const byName = rules.find((r) => r.name.test(c.name));
    if (byName) return { category: byName.category, by: "name", evidence: c.name };
    // "City resolved from the IP address" is about a city: a description naming where a value comes from says nothing.
    for (const r of t.descriptionVeto.test(description) ? [] : rules) {
      if (r.describedName && !r.describedName.test(c.name)) continue;
      const m = r.description.exec(description);
      if (m) return { category: r.category, by: "description", evidence: m[0] };
    }
  }
  if (c.examples && c.examples.length > 0) {
    const v = classifyValues(c.examples);
    if (v) return { category: v.category, by: "values", evidence: `${v.matched} of ${v.seen} example values look like ${v.category}` };
  }
  return undefined;
}
