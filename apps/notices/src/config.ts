import { z } from 'zod';
import { appDatabaseEnv, commonEnv, ConfigError, healthEnv, kafkaEnv, loadConfig } from '@careflow/config';

const loopbackHosts = new Set(['127.0.0.1', '[::1]', 'localhost']);

const noticesEnv = {
  ...commonEnv,
  ...appDatabaseEnv('notices'),
  ...kafkaEnv,
  ...healthEnv,
  /** One facility per deployment (as the relay's): it names the system of the patient's MRN in a notice. */
  FACILITY_ID: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be a facility id (letters, digits, . _ -)'),
  /** Where each Communication is POSTed: the referring provider's (or their interface engine's) FHIR endpoint. */
  NOTICES_ENDPOINT_URL: z
    .string()
    .url()
    .refine((value) => /^https?:\/\//.test(value), { message: 'must be an https URL' }),
  /** PEM certificates to trust for the endpoint besides the system's, e.g. the hospital's private CA. */
  NOTICES_ENDPOINT_CA: z.string().includes('-----BEGIN CERTIFICATE-----', { message: 'must be PEM certificates' }).optional(),
  /** A bearer token the receiver issued us, if it wants one. */
  NOTICES_ENDPOINT_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** One attempt's deadline, connection to the end of the response. */
  NOTICES_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Attempts before a notice is dead-lettered (docs/notices.md). */
  NOTICES_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  /** The first retry's delay, doubled per attempt up to NOTICES_RETRY_MAX_MS, with jitter. */
  NOTICES_RETRY_BASE_MS: z.coerce.number().int().min(10).max(600_000).default(2_000),
  NOTICES_RETRY_MAX_MS: z.coerce.number().int().min(10).max(3_600_000).default(300_000),
  /** How long the delivery loop waits before looking for due notices again when none was due. */
  NOTICES_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(1_000),
  NOTICES_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(20),
  /** Attempts of one Kafka message before it goes to the dead-letter topic. */
  NOTICES_CONSUMER_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
};

export type NoticesConfig = ReturnType<typeof loadNoticesConfig>;

/**
 * PHI goes to the endpoint, so it must be https; plain http only to this machine's loopback in
 * development and tests (a receiver the test itself starts).
 */
export const loadNoticesConfig = (env: Readonly<Record<string, string | undefined>> = process.env) => {
  const config = loadConfig(noticesEnv, env);
  const endpoint = new URL(config.NOTICES_ENDPOINT_URL);
  const plainAllowed = config.NODE_ENV !== 'production' && loopbackHosts.has(endpoint.hostname);
  if (endpoint.protocol !== 'https:' && !plainAllowed) {
    throw new ConfigError('invalid configuration: NOTICES_ENDPOINT_URL must be an https URL (http only to loopback outside production)');
  }
  if (endpoint.username !== '' || endpoint.password !== '') {
    throw new ConfigError('invalid configuration: NOTICES_ENDPOINT_URL must not carry credentials; use NOTICES_ENDPOINT_TOKEN');
  }
  if (config.NOTICES_RETRY_MAX_MS < config.NOTICES_RETRY_BASE_MS) {
    throw new ConfigError('invalid configuration: NOTICES_RETRY_MAX_MS must not be below NOTICES_RETRY_BASE_MS');
  }
  return config;
};
