// What a row filter or column mask function reveals, read from its SQL (the text the platform deploys), never
// from the settings that generated it: a hand edit of the template shows up here.

/** The semantics of a filter or mask, as far as access goes. */
export interface FunctionSemantics {
  readonly name: string;
  /** Literal groups whose members see every row (a filter) or the clear value (a mask): is_account_group_member('...'). */
  readonly revealsTo: readonly string[];
  /**
   * Whether principals mapped to the row's tenant in tenant_principals are let through, and, when the function
   * tests a role (`tp.role = '...'`), which one; null when the function never reads the mapping. `exclusive`: only
   * when the caller is mapped to no other tenant (`NOT EXISTS (... tenant_id <> row_tenant ...)`); otherwise a
   * principal mapped to two tenants (directly or through two groups) sees both.
   */
  readonly tenantMapped: { readonly role: string | null; readonly exclusive: boolean } | null;
  /**
   * A legal-hold filter (it reads erasure_restrictions): the literal groups that see restricted rows, tested before
   * anything else (`RETURN is_account_group_member('...') OR ... OR (`); null for a function without restrictions.
   * Everyone else sees what revealsTo and tenantMapped say, restricted rows excepted.
   */
  readonly restrictedTo: readonly string[] | null;
}

const LITERAL_GROUP = /is_account_group_member\(\s*'((?:[^']|'')*)'\s*\)/g;

export function functionSemantics(name: string, sql: string): FunctionSemantics {
  const body = sql.replace(/--[^\n]*/g, "");
  const revealsTo = [...new Set([...body.matchAll(LITERAL_GROUP)].map((m) => m[1].replace(/''/g, "'")))].sort();
  const mapped = /EXISTS\s*\(\s*SELECT[\s\S]*?tenant_principals/i.test(body);
  const role = /\brole\s*=\s*'((?:[^']|'')*)'/i.exec(body)?.[1] ?? null;
  const exclusive = /NOT\s+EXISTS\s*\(\s*SELECT[^()]*tenant_principals[^()]*\btenant_id\s*<>\s*row_tenant\b/i.test(body);
  const holds = /\berasure_restrictions\b/i.test(body);
  const first = holds ? (/\bRETURN\s+([\s\S]*?)\s+OR\s*\(/i.exec(body)?.[1] ?? "") : "";
  const restrictedTo = holds ? [...new Set([...first.matchAll(LITERAL_GROUP)].map((m) => m[1].replace(/''/g, "'")))].sort() : null;
  return { name, revealsTo, tenantMapped: mapped ? { role, exclusive } : null, restrictedTo };
}

/** `ROW FILTER <catalog>.<schema>.<fn> ON (...)` -> the function's unquoted name. */
export function rowFilterFunction(clause: string | null): string | null {
  if (!clause) return null;
  const m = /ROW\s+FILTER\s+(\S+)\s+ON/i.exec(clause);
  return m ? m[1].replace(/`/g, "") : null;
}
