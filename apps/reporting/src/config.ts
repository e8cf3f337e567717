import { z } from 'zod';
import { appDatabaseEnv, commonEnv, ConfigError, databaseEnv, kafkaEnv, loadConfig } from '@careflow/config';
import { patientKeyEnv } from '@careflow/messaging';

const reportingEnv = { ...commonEnv, ...appDatabaseEnv('reporting'), ...kafkaEnv };

export type ReportingConfig = ReturnType<typeof loadReportingConfig>;

export const loadReportingConfig = (env: Readonly<Record<string, string | undefined>> = process.env) => loadConfig(reportingEnv, env);

/**
 * `npm run rebuild -- reporting`: writes as reporting, reads the event store through a role that may
 * (in deployments the relay's) and derives patient keys as the relay does (docs/reporting.md, "Rebuild").
 */
const rebuildEnv = {
  ...commonEnv,
  ...appDatabaseEnv('reporting'),
  REPORTING_REBUILD_SOURCE_DATABASE_URL: databaseEnv.DATABASE_URL,
  ...patientKeyEnv,
  FACILITY_ID: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be a facility id (letters, digits, . _ -)'),
  REPORTING_REBUILD_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(1000),
};

export const loadRebuildConfig = (env: Readonly<Record<string, string | undefined>> = process.env) => {
  const config = loadConfig(rebuildEnv, env);
  if (!config.PATIENT_KEY_SECRETS.has(config.FACILITY_ID)) {
    throw new ConfigError('invalid configuration: PATIENT_KEY_SECRETS has no secret for FACILITY_ID');
  }
  return config;
};
