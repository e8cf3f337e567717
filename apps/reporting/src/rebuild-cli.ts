/**
 * `npm run rebuild -- reporting`: empties the reporting read models and refolds them from the event
 * store through the live consumer's handler, safely while the consumer runs (docs/reporting.md,
 * "Rebuild"). Needs REPORTING_DATABASE_URL, REPORTING_REBUILD_SOURCE_DATABASE_URL, FACILITY_ID and
 * PATIENT_KEY_SECRETS.
 */
import { createLogger } from '@careflow/config';
import { closeDatabaseClient, createDatabaseClient } from '@careflow/event-store';
import { createIntegrationEvents, patientKeyring } from '@careflow/messaging';
import { loadRebuildConfig } from './config';
import { rebuildReadModels } from './rebuild';

const main = async (): Promise<void> => {
  const config = loadRebuildConfig();
  const logger = createLogger('reporting-rebuild', config.LOG_LEVEL);
  const source = createDatabaseClient(config.REPORTING_REBUILD_SOURCE_DATABASE_URL, {
    applicationName: 'careflow-reporting-rebuild-source',
    maxConnections: 2,
  });
  const target = createDatabaseClient(config.REPORTING_DATABASE_URL, { applicationName: 'careflow-reporting-rebuild', maxConnections: 2 });
  const started = Date.now();
  try {
    const result = await rebuildReadModels({
      source,
      target,
      integrationEvents: createIntegrationEvents(source, patientKeyring(config.PATIENT_KEY_SECRETS), config.FACILITY_ID),
      batchSize: config.REPORTING_REBUILD_BATCH_SIZE,
    });
    logger.info({ count: result.folded, durationMs: Date.now() - started }, 'reporting read models rebuilt from the event store');
    if (result.unpublishable > 0) {
      logger.warn({ count: result.unpublishable }, 'stored events with no integration event were skipped, as the relay dead-letters them');
    }
  } finally {
    await Promise.all([closeDatabaseClient(source), closeDatabaseClient(target)]);
  }
};

main().catch((error: unknown) => {
  // The message of a database or config error names variables and statements, never event data.
  process.stderr.write(`careflow rebuild reporting: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
