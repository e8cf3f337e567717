import 'reflect-metadata';
import { ensurePlatformTopics, runApp, startAppConsumer } from '@careflow/platform';
import { loadReportingConfig } from './config';
import { applyConsumedEvent } from './read-models/apply';

/**
 * Reporting: keeps the de-identified read models (summaries and caseloads, compliance worklists,
 * outcomes, operations) from careflow.episode-events.v1; /health and /metrics on HEALTH_PORT
 * (docs/reporting.md).
 */
runApp({
  name: 'reporting',
  loadConfig: loadReportingConfig,
  afterStart: async (app) => {
    await ensurePlatformTopics(app);
    await startAppConsumer(app, { name: 'reporting', apply: applyConsumedEvent });
  },
});
