import { z } from 'zod';
import { appDatabaseEnv, commonEnv, healthEnv, kafkaEnv, loadConfig } from '@careflow/config';
import { billingChargesTopic, episodeEventsDeadLetterTopic, episodeEventsTopic } from '@careflow/contracts';

const topicName = z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'must be a Kafka topic name');

const billingEnv = {
  ...commonEnv,
  ...appDatabaseEnv('billing'),
  ...kafkaEnv,
  /** /health and /metrics (serveHealth) when HEALTH_PORT is set. */
  ...healthEnv,
  /** Messages per send from billing's outbox to careflow.billing-charges.v1. */
  BILLING_PUBLISH_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
  /** How long an idle publisher waits before looking at billing's outbox again. */
  BILLING_PUBLISH_INTERVAL_MS: z.coerce.number().int().min(1).max(10_000).default(50),
  /** The consumer's name: its group is careflow.<name>, its processed-event records (marks per episode) carry it. */
  BILLING_CONSUMER_NAME: z
    .string()
    .regex(/^[a-z0-9.-]{1,100}$/, 'must be lower-case letters, digits, . or -')
    .default('billing'),
  /** The platform's topics unless a test gives its own. */
  BILLING_EVENTS_TOPIC: topicName.default(episodeEventsTopic.name),
  BILLING_DEAD_LETTER_TOPIC: topicName.default(episodeEventsDeadLetterTopic.name),
  BILLING_CHARGES_TOPIC: topicName.default(billingChargesTopic.name),
  /** Attempts of an event that fails to apply before it goes to the dead-letter topic. */
  BILLING_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
};

export type BillingConfig = ReturnType<typeof loadBillingConfig>;

export const loadBillingConfig = (env: Readonly<Record<string, string | undefined>> = process.env) => loadConfig(billingEnv, env);
