import { z } from 'zod';
import { auditEnv } from '@careflow/audit';
import { authEnv, tokenVerifierOptions } from '@careflow/auth';
import {
  appDatabaseEnv,
  commonEnv,
  ConfigError,
  kafkaConnectionSecurity,
  kafkaEnv,
  kafkaSecurityEnv,
  loadConfig,
  temporalConnectionSecurity,
  temporalEnv,
  temporalSecurityEnv,
} from '@careflow/config';
import { referralsDeadLetterTopic, referralsTopic } from '@careflow/contracts';
import { patientKeyEnv } from '@careflow/messaging';

const apiEnv = {
  ...commonEnv,
  ...appDatabaseEnv('api'),
  ...temporalEnv,
  ...temporalSecurityEnv,
  ...kafkaEnv,
  ...kafkaSecurityEnv,
  ...authEnv,
  ...auditEnv,
  ...patientKeyEnv,
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  /** The facility this deployment serves: its secret in PATIENT_KEY_SECRETS keys the audit records' patient keys. */
  FACILITY_ID: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be a facility id'),
  /** Consume the interface engines' referral topic (off for an API instance that only serves HTTP). */
  REFERRAL_FEED: z.enum(['on', 'off']).default('on'),
  REFERRAL_TOPIC: z.string().min(1).default(referralsTopic.name),
  REFERRAL_DEAD_LETTER_TOPIC: z.string().min(1).default(referralsDeadLetterTopic.name),
  REFERRAL_CONSUMER_GROUP: z.string().min(1).default('careflow.api-referrals'),
  /** The interface engine's service identity, the actor (role `ehr-feed`) of every referral from the topic. */
  REFERRAL_FEED_USER_ID: z
    .string()
    .regex(/^[A-Za-z0-9._:@-]{1,100}$/, 'must be a user id')
    .default('interface-engine'),
  /** `keyId:base64key,...`, first is active (same keyring as the worker). */
  PAYLOAD_KEYS: z.string().min(1),
  CODEC_ALLOWED_ORIGINS: z
    .string()
    .default('http://127.0.0.1:8233,http://localhost:8233')
    .transform((value) => value.split(',').map((origin) => origin.trim())),
};

export type ApiConfig = ReturnType<typeof loadApiConfig>;

/**
 * The token and connection settings are checked here, so a wrong pair of AUTH_* variables, a JWKS over
 * plain HTTP, or TLS settings that cannot work stop the API at start.
 */
export const loadApiConfig = (env: Readonly<Record<string, string | undefined>> = process.env) => {
  const config = loadConfig(apiEnv, env);
  if (!config.PATIENT_KEY_SECRETS.has(config.FACILITY_ID)) {
    throw new ConfigError('invalid configuration: PATIENT_KEY_SECRETS has no secret for FACILITY_ID');
  }
  return {
    ...config,
    tokenVerifier: tokenVerifierOptions(config),
    temporalSecurity: temporalConnectionSecurity(config),
    kafkaSecurity: kafkaConnectionSecurity(config),
  };
};
