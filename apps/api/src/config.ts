import { z } from 'zod';
import { appDatabaseEnv, commonEnv, ConfigError, kafkaEnv, loadConfig, temporalEnv } from '@careflow/config';

const apiEnv = {
  ...commonEnv,
  ...appDatabaseEnv('api'),
  ...temporalEnv,
  ...kafkaEnv,
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  /** `keyId:base64key,...`, first is active (same keyring as the worker). */
  PAYLOAD_KEYS: z.string().min(1),
  /** Bearer tokens for the Temporal UI's codec endpoint: an HS256 secret (local) or the IdP's JWKS URL. */
  AUTH_JWT_SECRET: z.string().min(32).optional(),
  AUTH_JWKS_URL: z.string().url().optional(),
  AUTH_JWT_ISSUER: z.string().min(1).default('careflow-local'),
  AUTH_JWT_AUDIENCE: z.string().min(1).default('careflow'),
  CODEC_ALLOWED_ORIGINS: z
    .string()
    .default('http://127.0.0.1:8233,http://localhost:8233')
    .transform((value) => value.split(',').map((origin) => origin.trim())),
};

export type ApiConfig = ReturnType<typeof loadApiConfig>;

export const loadApiConfig = (env: Readonly<Record<string, string | undefined>> = process.env) => {
  const config = loadConfig(apiEnv, env);
  if (!config.AUTH_JWT_SECRET === !config.AUTH_JWKS_URL) {
    throw new ConfigError('invalid configuration: set exactly one of AUTH_JWT_SECRET and AUTH_JWKS_URL');
  }
  return config;
};
