import { z } from 'zod';
import { commonEnv, databaseEnv, kafkaEnv, loadConfig, temporalEnv } from '@careflow/config';

const apiEnv = {
  ...commonEnv,
  ...databaseEnv,
  ...temporalEnv,
  ...kafkaEnv,
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
};

export type ApiConfig = ReturnType<typeof loadApiConfig>;

export const loadApiConfig = (env: Readonly<Record<string, string | undefined>> = process.env) => loadConfig(apiEnv, env);
