import { z } from 'zod';
import { appDatabaseEnv, commonEnv, healthEnv, kafkaEnv, loadConfig } from '@careflow/config';

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
  /** Attempts of an event that fails to apply before it goes to the dead-letter topic. */
  BILLING_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
};

export type BillingConfig = ReturnType<typeof loadBillingConfig>;

export const loadBillingConfig = (env: Readonly<Record<string, string | undefined>> = process.env) => loadConfig(billingEnv, env);
