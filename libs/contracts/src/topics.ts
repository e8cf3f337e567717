/**
 * Kafka topics the platform owns. Code creates them at startup with these settings (never by hand),
 * so partitions and retention are reviewed here like any other change.
 */
export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly retentionDays: number;
}

/**
 * Every care-episode integration event (never a raw domain event), keyed by episode id so each
 * episode's events stay in order. Rebuilds read the event store, so retention bounds only how long a
 * stopped consumer may stay behind.
 */
export const episodeEventsTopic: TopicSpec = { name: 'careflow.episode-events.v1', partitions: 6, retentionDays: 30 };

/** Charges and claims for the hospital's revenue-cycle system, keyed by episode id. */
export const billingChargesTopic: TopicSpec = { name: 'careflow.billing-charges.v1', partitions: 3, retentionDays: 30 };

/**
 * INBOUND referrals from the hospital's interface engines: one JSON `{ departmentId, referral }` per
 * message, as POST /referrals takes it, keyed by referral id. The API consumes it through the same
 * path as its HTTP routes (docs/api.md, "Referrals in"); closed-loop notices to referring providers go
 * by HTTPS, not here.
 */
export const referralsTopic: TopicSpec = { name: 'careflow.referrals.v1', partitions: 3, retentionDays: 30 };

/** Referral messages the API could not take (malformed, refused by a rule, a conflicting resend), with the problem list. */
export const referralsDeadLetterTopic: TopicSpec = { name: 'careflow.referrals.v1.dlq', partitions: 1, retentionDays: 90 };

/** Messages a consumer could not process after bounded retries; kept long enough for a human to look. */
export const episodeEventsDeadLetterTopic: TopicSpec = {
  name: 'careflow.episode-events.v1.dlq',
  partitions: 1,
  retentionDays: 90,
};

export const platformTopics: readonly TopicSpec[] = [
  episodeEventsTopic,
  episodeEventsDeadLetterTopic,
  billingChargesTopic,
  referralsTopic,
  referralsDeadLetterTopic,
];
