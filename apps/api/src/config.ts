import { z } from 'zod';
import { authEnv, tokenVerifierOptions } from '@careflow/auth';
import { appDatabaseEnv, commonEnv, kafkaEnv, loadConfig, temporalEnv } from '@careflow/config';

const apiEnv = {
  ...commonEnv,
  ...appDatabaseEnv('api'),
  ...temporalEnv,
  ...kafkaEnv,
  ...authEnv,
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  /** `keyId:base64key,...`, first is active (same keyring as the worker). */
  PAYLOAD_KEYS: z.string().min(1),
  CODEC_ALLOWED_ORIGINS: z
    .string()
    .default('http://127.0.0.1:8233,http://localhost:8233')
    .transform((value) => value.split(',').map((origin) => origin.trim())),
};

export type ApiConfig = ReturnType<typeof loadApiConfig>;

/** The token settings are checked here, so a wrong pair of AUTH_* variables stops the API at start. */
export const loadApiConfig = (env: Readonly<Record<string, string | undefined>> = process.env) => {
  const config = loadConfig(apiEnv, env);
  return { ...config, tokenVerifier: tokenVerifierOptions(config) };
};
