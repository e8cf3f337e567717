import { commonEnv, databaseEnv, kafkaEnv, loadConfig } from '@careflow/config';

const billingEnv = { ...commonEnv, ...databaseEnv, ...kafkaEnv };

export type BillingConfig = ReturnType<typeof loadBillingConfig>;

export const loadBillingConfig = (env: Readonly<Record<string, string | undefined>> = process.env) => loadConfig(billingEnv, env);
