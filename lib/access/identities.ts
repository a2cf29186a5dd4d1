// Who runs what: the personas and every workload's principal, from the stack settings. The plan carries this as
// the Identities component's inputs, so the model and the policy pack read it next to the resources.
import { domainPrincipal } from "../compile/grants";
import type { Mesh } from "../compile/model";
import { domainGroup, kafkaPrincipal, pipelinesGroup } from "../compile/naming";
import { ownsAccountObjects, type PersonaName, type Settings } from "../compile/settings";
import { prerequisites } from "./prerequisites";
import type { Prerequisite } from "./types";

/** A domain's workload identities: its Databricks service principal (pipeline and job) and its Kafka principal. */
export interface DomainIdentity {
  readonly servicePrincipal: string;
  /** The SCRAM user its pipeline reads Kafka as, `User:<prefix><domain>-pipeline`. */
  readonly kafkaPrincipal: string;
  /** The account group of the domain (team and principal). */
  readonly group: string;
}

export interface Identities {
  readonly env: string;
  /**
   * The Unity Catalog catalog the stack governs (lakemesh:catalog). Its governance schema holds the only row filter
   * and masks a table may declare: rules compare function names with it exactly, never by suffix.
   */
  readonly catalog: string;
  readonly mode: Settings["mode"];
  readonly account: { readonly id: string; readonly owner: string; readonly ownsAccountObjects: boolean };
  /** Persona -> account group or service principal application id. */
  readonly personas: Readonly<Record<PersonaName, string>>;
  /** The group every domain principal joins: the filter and masks reveal everything to it. */
  readonly pipelinesGroup: string;
  /** Every domain of the mesh (a domain stack reads other domains' tables). */
  readonly domains: Readonly<Record<string, DomainIdentity>>;
  readonly gdprServicePrincipal: string;
  readonly datahubServicePrincipal: string;
  readonly prerequisites: readonly Prerequisite[];
}

/**
 * Tenant-scoped personas and the role their principals are mapped with in governance.tenant_principals (its
 * roles are client_admin, end_user and service). Every other persona is internal.
 */
export const TENANT_ROLES: Readonly<Partial<Record<PersonaName, string>>> = {
  client_admin: "client_admin",
  end_user: "end_user",
  api_service: "service",
  bi_service: "service",
};

/** The identities of a stack, with the prerequisites it lists (see prerequisites.ts). */
export function compileIdentities(s: Settings, mesh: Mesh): Identities {
  return {
    env: s.env,
    catalog: s.catalog,
    mode: s.mode,
    account: { id: s.databricks.accountId, owner: s.databricks.accountObjectsOwner, ownsAccountObjects: ownsAccountObjects(s) },
    personas: { ...s.personas },
    pipelinesGroup: pipelinesGroup(s),
    domains: Object.fromEntries(
      mesh.domains.map((d) => [
        d.metadata.name,
        { servicePrincipal: domainPrincipal(s, d.metadata.name), kafkaPrincipal: kafkaPrincipal(s, d.metadata.name, "pipeline"), group: domainGroup(s, d.metadata.name) },
      ]),
    ),
    gdprServicePrincipal: s.databricks.gdprServicePrincipal,
    datahubServicePrincipal: s.databricks.datahubServicePrincipal,
    prerequisites: prerequisites(s, mesh),
  };
}
