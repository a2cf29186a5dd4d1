// How long a Kafka topic can hold an event: Kafka deletes whole segments, never single records, and a segment is
// deleted only when its newest record is older than retention.ms; the open segment rolls after segment.ms. So an
// event can outlive its retention by up to one segment roll. The platform rolls segments daily (or sooner, when the
// retention is shorter): https://kafka.apache.org/documentation/#topicconfigs_segment.ms
import { MS_PER_DAY } from "./duration";

/** Longest time a copy of personal data may outlive an erasure request (GDPR "without undue delay": 30 days). */
export const ERASURE_DEADLINE_DAYS = 30;
export const ERASURE_DEADLINE_MS = ERASURE_DEADLINE_DAYS * MS_PER_DAY;

/** Segments roll at most daily, and never later than retention, so deletion is not delayed by an open segment. */
export const MAX_SEGMENT_MS = MS_PER_DAY;

/** segment.ms of a topic with this retention. */
export function segmentMsOf(retentionMs: number): number {
  return Math.min(retentionMs, MAX_SEGMENT_MS);
}

/** How long an event of a topic with this retention can be read after it was produced. */
export function topicSurvivalMs(retentionMs: number): number {
  return retentionMs + segmentMsOf(retentionMs);
}

/** The longest retention of a personal-data topic: its survival within the erasure deadline (P29D for 30 days). */
export const MAX_PERSONAL_RETENTION_DAYS = (ERASURE_DEADLINE_MS - MAX_SEGMENT_MS) / MS_PER_DAY;
