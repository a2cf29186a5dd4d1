// Whether a principal holds a need, given the facts: Unity Catalog inheritance and ownership, workspace ACL levels
// and folder inheritance, group membership, Kafka ACL matching, governed-tag permissions, listed prerequisites.
import { isPathKind, levelAtLeast } from "./levels";
import type { HeldFact, Need, Securable } from "./types";

/** Every account principal is in `account users`; every workspace principal in `users`. */
const IMPLICIT_GROUPS = ["account users", "users"];

/**
 * Workspace > Shared: "all users have CAN MANAGE" on its objects
 * (https://docs.databricks.com/aws/en/security/auth/access-control, folder permissions).
 */
const SHARED = /^\/Shared\//;

type Fact<K extends HeldFact["kind"]> = Extract<HeldFact, { kind: K }>;

/** Kafka: READ, WRITE, DELETE and ALTER imply DESCRIBE; ALL implies everything (Kafka authorization docs). */
const kafkaImplies = (held: string, needed: string) => held === needed || held === "All" || (needed === "Describe" && ["Read", "Write", "Delete", "Alter"].includes(held));

/** ALL PRIVILEGES is every privilege but MANAGE; an owner has every privilege, and MANAGE on the objects inside. */
function ucImplies(fact: Fact<"uc">, target: Securable, privilege: string): boolean {
  if (fact.securable.name === target.name && fact.securable.kind === target.kind) {
    return fact.privilege === privilege || fact.privilege === "OWNER" || (fact.privilege === "ALL_PRIVILEGES" && privilege !== "MANAGE");
  }
  // Inherited downward: from the catalog to its schemas and their objects, from a schema to its objects.
  const inside = target.name.startsWith(fact.securable.name + ".") && (fact.securable.kind === "catalog" || fact.securable.kind === "schema");
  if (!inside || privilege === "USE_CATALOG") return false;
  if (fact.privilege === "OWNER") return privilege === "MANAGE";
  return fact.privilege === privilege || (fact.privilege === "ALL_PRIVILEGES" && privilege !== "MANAGE");
}

export class Holdings {
  private readonly byKind = new Map<string, HeldFact[]>();

  constructor(readonly facts: readonly HeldFact[]) {
    for (const f of facts) this.byKind.set(f.kind, [...(this.byKind.get(f.kind) ?? []), f]);
  }

  private of<K extends HeldFact["kind"]>(kind: K): Fact<K>[] {
    return (this.byKind.get(kind) ?? []) as Fact<K>[];
  }

  /** The principal and every group it is in (transitively), with the membership that puts it there. */
  identities(principal: string): Map<string, string> {
    const out = new Map<string, string>([[principal, ""]]);
    const queue = [principal];
    while (queue.length > 0) {
      const p = queue.shift()!;
      for (const m of this.of("member").filter((x) => x.principal === p && !out.has(x.group))) {
        out.set(m.group, m.via);
        queue.push(m.group);
      }
    }
    for (const g of IMPLICIT_GROUPS) if (!out.has(g)) out.set(g, "");
    return out;
  }

  /** Where each held part of the need comes from, or undefined when it is not held. */
  check(principal: string, need: Need): string[] | undefined {
    const who = need.kind === "kafka" ? new Map([[need.principal, ""]]) : this.identities(principal);
    const via = (f: HeldFact, p: string) => [f.via, who.get(p)].filter(Boolean).join(" + ");
    const first = <F extends HeldFact>(facts: F[], ok: (f: F) => boolean, principalOf: (f: F) => string | undefined) => {
      const f = facts.find((x) => ok(x) && (principalOf(x) === undefined || who.has(principalOf(x)!)));
      return f ? [via(f, principalOf(f) ?? "")] : undefined;
    };
    switch (need.kind) {
      case "uc":
        return first(this.of("uc"), (f) => ucImplies(f, need.securable, need.privilege), (f) => f.principal);
      case "acl": {
        const o = need.object;
        if (isPathKind(o.kind) && SHARED.test(o.id)) return ["Workspace > Shared: all users have CAN MANAGE"];
        return first(
          this.of("acl"),
          (f) => {
            const same = f.object.kind === o.kind && (f.object.id === o.id || f.object.id === "platform");
            const folder = isPathKind(o.kind) && f.object.kind === "directory" && o.id.startsWith(f.object.id.replace(/\/$/, "") + "/");
            return (same && levelAtLeast(o.kind, f.level, need.level)) || (folder && levelAtLeast("directory", f.level, need.level));
          },
          (f) => f.principal,
        );
      }
      case "member": {
        const g = need.of.find((x) => who.has(x));
        return g === undefined ? undefined : [g === principal ? `is ${g}` : who.get(g)!];
      }
      case "kafka":
        return first(
          this.of("kafka"),
          (f) => f.resourceType === need.resourceType && kafkaImplies(f.operation, need.operation) && (f.patternType === "Literal" ? f.name === need.name : need.name.startsWith(f.name)),
          (f) => f.principal,
        );
      case "tag-assign": {
        const tag = this.of("governed-tag").find((f) => f.tagKey === need.tagKey);
        if (!tag) return undefined;
        // Only a tag's allowed values may be assigned; one without values is key-only.
        const outside = need.values.filter((v) => !tag.values.includes(v));
        if (outside.length > 0) return undefined;
        const assign = first(this.of("tag-assign"), (f) => f.tagKey === need.tagKey, (f) => f.principal);
        return assign ? [tag.via, ...assign] : undefined;
      }
      case "role":
        return first(this.of("role"), (f) => f.role === need.role && f.on === need.on, (f) => f.principal);
      case "exists":
        return first(this.of("exists"), (f) => f.principal === need.principal, () => undefined);
    }
  }

  /** The SQL of a filter or mask function, if the plan or a prerequisite has it. */
  functionSql(name: string): string | undefined {
    return this.of("function").find((f) => f.name === name)?.sql;
  }
}
