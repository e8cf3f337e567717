import 'reflect-metadata';
import type { Kafka } from 'kafkajs';
import type { Sql } from 'postgres';
import type { Logger } from '@careflow/config';
import { AppStatus, ensurePlatformTopics, KAFKA, LOGGER, runApp, SQL, startAppConsumer } from '@careflow/platform';
import { billingConsumption } from './apply';
import { loadBillingConfig } from './config';
import { startBillingPublisher } from './publisher';

/**
 * Billing (docs/billing.md): consumes the episode events into charges, claims and year-to-date totals,
 * and publishes them on careflow.billing-charges.v1; /health and /metrics on HEALTH_PORT.
 */
runApp({
  name: 'billing',
  loadConfig: loadBillingConfig,
  afterStart: async (app) => {
    // runApp has already loaded (and checked) the same environment.
    const config = loadBillingConfig();
    await ensurePlatformTopics(app);
    const publisher = await startBillingPublisher({
      sql: app.get<Sql>(SQL),
      kafka: app.get<Kafka>(KAFKA),
      logger: app.get<Logger>(LOGGER),
      batchSize: config.BILLING_PUBLISH_BATCH_SIZE,
      pollIntervalMs: config.BILLING_PUBLISH_INTERVAL_MS,
      topic: config.BILLING_CHARGES_TOPIC,
    });
    const status = app.get(AppStatus);
    status.report('billingPublisher', publisher.status);
    status.stopOnShutdown(() => publisher.stop());
    await startAppConsumer(app, {
      name: config.BILLING_CONSUMER_NAME,
      ...billingConsumption,
      maxAttempts: config.BILLING_MAX_ATTEMPTS,
      topics: { events: config.BILLING_EVENTS_TOPIC, deadLetter: config.BILLING_DEAD_LETTER_TOPIC },
    });
  },
});
