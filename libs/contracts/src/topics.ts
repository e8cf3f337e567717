/**
 * Kafka topics the platform owns. Code creates them at startup with these settings (never by hand),
 * so partitions and retention are reviewed here like any other change.
 */
export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly retentionDays: number;
}

/** Every clinical fact, keyed by episode id so each episode's events stay in order. */
export const episodeEventsTopic: TopicSpec = { name: 'careflow.episode-events.v1', partitions: 6, retentionDays: 30 };

/** Messages a consumer could not process after bounded retries; kept long enough for a human to look. */
export const episodeEventsDeadLetterTopic: TopicSpec = {
  name: 'careflow.episode-events.v1.dlq',
  partitions: 1,
  retentionDays: 90,
};

export const platformTopics: readonly TopicSpec[] = [episodeEventsTopic, episodeEventsDeadLetterTopic];
