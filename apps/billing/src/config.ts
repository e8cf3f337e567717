import { appDatabaseEnv, commonEnv, kafkaEnv, loadConfig } from '@careflow/config';

const billingEnv = { ...commonEnv, ...appDatabaseEnv('billing'), ...kafkaEnv };

export type BillingConfig = ReturnType<typeof loadBillingConfig>;

export const loadBillingConfig = (env: Readonly<Record<string, string | undefined>> = process.env) => loadConfig(billingEnv, env);
