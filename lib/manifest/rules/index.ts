import { ManifestRule } from "../mesh";
import { rule as acceptedMajors } from "./accepted-majors";
import { rule as clustering } from "./clustering";
import { rule as columnTypes } from "./column-types";
import { rule as contractVersion } from "./contract-version";
import { rule as durations } from "./durations";
import { rule as expectationActions } from "./expectation-actions";
import { rule as expectations } from "./expectations";
import { rule as freeText } from "./free-text";
import { rule as goldAggregate } from "./gold-aggregate";
import { rule as layers } from "./layers";
import { rule as legalHold } from "./legal-hold";
import { rule as personalData } from "./personal-data";
import { rule as personalTopicRetention } from "./personal-topic-retention";
import { rule as pipelineSchedule } from "./pipeline-schedule";
import { rule as references } from "./references";
import { rule as republishing } from "./republishing";
import { rule as reservedNames } from "./reserved-names";
import { rule as retention } from "./retention";
import { rule as sequenceBy } from "./sequence-by";
import { rule as subjectKey } from "./subject-key";
import { rule as tenantKey } from "./tenant-key";
import { rule as topicReads } from "./topic-reads";
import { rule as uniqueNames } from "./unique-names";
import { rule as unmarkedPersonalData } from "./unmarked-personal-data";

/** Every semantic check, run after the JSON Schema over all manifests together. */
export const MANIFEST_RULES: readonly ManifestRule[] = [
  uniqueNames,
  reservedNames,
  tenantKey,
  subjectKey,
  personalData,
  unmarkedPersonalData,
  personalTopicRetention,
  retention,
  legalHold,
  durations,
  pipelineSchedule,
  contractVersion,
  columnTypes,
  sequenceBy,
  clustering,
  layers,
  references,
  topicReads,
  acceptedMajors,
  goldAggregate,
  republishing,
  expectations,
  expectationActions,
  freeText,
];
