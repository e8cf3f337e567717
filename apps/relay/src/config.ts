import { appDatabaseEnv, commonEnv, kafkaEnv, loadConfig } from '@careflow/config';

const relayEnv = { ...commonEnv, ...appDatabaseEnv('relay'), ...kafkaEnv };

export type RelayConfig = ReturnType<typeof loadRelayConfig>;

export const loadRelayConfig = (env: Readonly<Record<string, string | undefined>> = process.env) => loadConfig(relayEnv, env);
