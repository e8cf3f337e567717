import { z } from 'zod';
import { appDatabaseEnv, commonEnv, ConfigError, healthEnv, kafkaEnv, loadConfig } from '@careflow/config';
import { patientKeyEnv } from '@careflow/messaging';

const relayEnv = {
  ...commonEnv,
  ...appDatabaseEnv('relay'),
  ...kafkaEnv,
  ...patientKeyEnv,
  /**
   * There is no facility concept in the domain yet: one deployment serves one facility, named here,
   * and its patient keys use that facility's secret from PATIENT_KEY_SECRETS.
   */
  FACILITY_ID: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be a facility id (letters, digits, . _ -)'),
  /** /health and /metrics: the relay always serves them, on 9464 unless told otherwise. */
  ...healthEnv,
  HEALTH_PORT: healthEnv.HEALTH_PORT.unwrap().default(9464),
  RELAY_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
  /** How long an idle leader waits before looking at the outbox again. */
  RELAY_POLL_INTERVAL_MS: z.coerce.number().int().min(1).max(10_000).default(20),
  /** A leader whose lock session stays silent this long (stalled, frozen) loses the lock to a standby. */
  RELAY_LEADER_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(6000),
  /** Cap of the backoff while Kafka is unreachable. */
  RELAY_MAX_BACKOFF_MS: z.coerce.number().int().min(100).max(300_000).default(5000),
  /** Sends of a batch Kafka refuses (e.g. a message too large) before its rows go one by one and refused ones to the dead-letter topic. */
  RELAY_MAX_REFUSALS: z.coerce.number().int().min(1).max(100).default(5),
  /** Crash-test fault injection: a pause between the broker's ack and the outbox delete; honoured only when NODE_ENV=test. */
  RELAY_TEST_PAUSE_AFTER_ACK_MS: z.coerce.number().int().min(0).max(10_000).default(0),
};

export type RelayConfig = ReturnType<typeof loadRelayConfig>;

/** Refuses to start when the deployment's facility has no patient-key secret. */
export const loadRelayConfig = (env: Readonly<Record<string, string | undefined>> = process.env) => {
  const config = loadConfig(relayEnv, env);
  if (!config.PATIENT_KEY_SECRETS.has(config.FACILITY_ID)) {
    throw new ConfigError('invalid configuration: PATIENT_KEY_SECRETS has no secret for FACILITY_ID');
  }
  return config;
};
