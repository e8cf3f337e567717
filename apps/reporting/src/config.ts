import { appDatabaseEnv, commonEnv, kafkaEnv, loadConfig } from '@careflow/config';

const reportingEnv = { ...commonEnv, ...appDatabaseEnv('reporting'), ...kafkaEnv };

export type ReportingConfig = ReturnType<typeof loadReportingConfig>;

export const loadReportingConfig = (env: Readonly<Record<string, string | undefined>> = process.env) => loadConfig(reportingEnv, env);
