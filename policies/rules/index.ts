import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { deferringUnknowns } from "../lib";
import { policy as accountObjectsSingleOwner } from "./access/lm-account-objects-single-owner";
import { policy as personasReadOnly } from "./access/lm-personas-read-only";
import { policy as tenantIsolation } from "./access/lm-tenant-isolation";
import { policy as workloadPrivileges } from "./access/lm-workload-privileges";
import { policy as awsBucketPublicAccessBlock } from "./aws/lm-aws-bucket-public-access-block";
import { policy as awsBucketSseKms } from "./aws/lm-aws-bucket-sse-kms";
import { policy as awsBucketTlsOnly } from "./aws/lm-aws-bucket-tls-only";
import { policy as awsKmsRotation } from "./aws/lm-aws-kms-rotation";
import { policy as ucAllPrivilegesAdminOnly } from "./catalog/lm-uc-all-privileges-admin-only";
import { policy as ucCatalogIsolated } from "./catalog/lm-uc-catalog-isolated";
import { policy as ucNoBroadGrants } from "./catalog/lm-uc-no-broad-grants";
import { policy as ucOneFilterMechanism } from "./catalog/lm-uc-one-filter-mechanism";
import { policy as ucOneGrantsPerSecurable } from "./catalog/lm-uc-one-grants-per-securable";
import { policy as ucTableGrantsAuthoritative } from "./catalog/lm-uc-table-grants-authoritative";
import { policy as ucPolicyFunctions } from "./catalog/lm-uc-policy-functions";
import { policy as ucTenantFilterAndMasks } from "./catalog/lm-uc-tenant-filter-and-masks";
import { policy as datahubNoQueryText } from "./gdpr/lm-datahub-no-query-text";
import { policy as gdprErasureSurvival } from "./gdpr/lm-gdpr-erasure-survival";
import { policy as gdprJobs } from "./gdpr/lm-gdpr-jobs";
import { policy as gdprNoChangeDataFeed } from "./gdpr/lm-gdpr-no-change-data-feed";
import { policy as gdprNoFailOnPersonal } from "./gdpr/lm-gdpr-no-fail-on-personal";
import { policy as gdprRegistryComplete } from "./gdpr/lm-gdpr-registry-complete";
import { policy as kafkaCleanupDelete } from "./kafka/lm-kafka-cleanup-delete";
import { policy as kafkaPersonalTopicReaders } from "./kafka/lm-kafka-personal-topic-readers";
import { policy as kafkaPiiRetention } from "./kafka/lm-kafka-pii-retention";
import { policy as kafkaProdReplication } from "./kafka/lm-kafka-prod-replication";
import { policy as kafkaProdTopicReplacement } from "./kafka/lm-kafka-prod-topic-replacement";
import { policy as kafkaSegmentWithinRetention } from "./kafka/lm-kafka-segment-within-retention";
import { policy as kafkaTopicNaming } from "./kafka/lm-kafka-topic-naming";
import { policy as breakingChangeNeedsMajor } from "./manifest/lm-breaking-change-needs-major";
import { policy as crossDomainReadDeclared } from "./manifest/lm-cross-domain-read-declared";
import { policy as datasetOwnerAndContract } from "./manifest/lm-dataset-owner-and-contract";
import { policy as noTenantPartitioning } from "./manifest/lm-no-tenant-partitioning";
import { policy as personalColumnClassified } from "./manifest/lm-personal-column-classified";
import { policy as tenantKeyPresent } from "./manifest/lm-tenant-key-present";
import { policy as prodProtectDataStores } from "./safety/lm-prod-protect-data-stores";
import { policy as datahubRecipeEnvRefs } from "./secrets/lm-datahub-recipe-env-refs";
import { policy as jobSecretsByName } from "./secrets/lm-job-secrets-by-name";
import { policy as pipelineSecretsByName } from "./secrets/lm-pipeline-secrets-by-name";
import { policy as secretsNotPlaintext } from "./secrets/lm-secrets-not-plaintext";
import { policy as aibiDatasetExternalValue } from "./serving/lm-aibi-dataset-external-value";
import { policy as aibiEmbeddingApprovedDomains } from "./serving/lm-aibi-embedding-approved-domains";
import { policy as servingPodHardened } from "./serving/lm-serving-pod-hardened";
import { policy as servingProdAvailability } from "./serving/lm-serving-prod-availability";
import { policy as workspaceCodeProtected } from "./workspace/lm-workspace-code-protected";
import { policy as checkedAtUpdate } from "./preview/lm-checked-at-update";

/**
 * Every rule of the lakemesh policy pack, one per file under rules/<area>/; its id is the file name.
 * lm-checked-at-update stays last: it lists what the rules before it left to the update.
 */
const rules: readonly (ResourceValidationPolicy | StackValidationPolicy)[] = [
  accountObjectsSingleOwner,
  personasReadOnly,
  tenantIsolation,
  workloadPrivileges,
  awsBucketPublicAccessBlock,
  awsBucketSseKms,
  awsBucketTlsOnly,
  awsKmsRotation,
  ucAllPrivilegesAdminOnly,
  ucCatalogIsolated,
  ucNoBroadGrants,
  ucOneFilterMechanism,
  ucOneGrantsPerSecurable,
  ucTableGrantsAuthoritative,
  ucPolicyFunctions,
  ucTenantFilterAndMasks,
  datahubNoQueryText,
  gdprErasureSurvival,
  gdprJobs,
  gdprNoChangeDataFeed,
  gdprNoFailOnPersonal,
  gdprRegistryComplete,
  kafkaCleanupDelete,
  kafkaPersonalTopicReaders,
  kafkaPiiRetention,
  kafkaProdReplication,
  kafkaProdTopicReplacement,
  kafkaSegmentWithinRetention,
  kafkaTopicNaming,
  breakingChangeNeedsMajor,
  crossDomainReadDeclared,
  datasetOwnerAndContract,
  noTenantPartitioning,
  personalColumnClassified,
  tenantKeyPresent,
  prodProtectDataStores,
  datahubRecipeEnvRefs,
  jobSecretsByName,
  pipelineSecretsByName,
  secretsNotPlaintext,
  aibiDatasetExternalValue,
  aibiEmbeddingApprovedDomains,
  servingPodHardened,
  servingProdAvailability,
  workspaceCodeProtected,
  // Last: add new rules above this line.
  checkedAtUpdate,
];

/** Every rule of the pack; a check a rule cannot make at preview is left to the update (deferringUnknowns). */
export const allRules: readonly (ResourceValidationPolicy | StackValidationPolicy)[] = rules.map(deferringUnknowns);
