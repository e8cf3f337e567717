/**
 * Production connection settings for Temporal (TLS, mutual TLS, API key) and Kafka (TLS, SASL): an
 * app spreads these into its schema and passes the parsed values to temporalConnectionSecurity and
 * kafkaConnectionSecurity, which read the certificate files and refuse combinations that cannot work,
 * at start, naming the variable and never a value.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './env';

const onOff = z.enum(['on', 'off']);
const file = z.string().min(1).optional();

export const temporalSecurityEnv = {
  TEMPORAL_TLS: onOff.default('off'),
  /** PEM of the CA that signed the server's certificate; the system's roots when omitted. */
  TEMPORAL_TLS_CA_FILE: file,
  /** Mutual TLS: the client's certificate and key (PEM), both or neither. */
  TEMPORAL_TLS_CERT_FILE: file,
  TEMPORAL_TLS_KEY_FILE: file,
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  /** Temporal Cloud's API key (Authorization: Bearer); only over TLS. */
  TEMPORAL_API_KEY: z.string().min(1).optional(),
};

export const kafkaSecurityEnv = {
  KAFKA_TLS: onOff.default('off'),
  KAFKA_TLS_CA_FILE: file,
  KAFKA_TLS_CERT_FILE: file,
  KAFKA_TLS_KEY_FILE: file,
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
};

type TemporalSecurityConfig = z.infer<z.ZodObject<typeof temporalSecurityEnv>>;
type KafkaSecurityConfig = z.infer<z.ZodObject<typeof kafkaSecurityEnv>>;

export interface TemporalConnectionSecurity {
  readonly tls?: {
    readonly serverNameOverride?: string;
    readonly serverRootCACertificate?: Buffer;
    readonly clientCertPair?: { readonly crt: Buffer; readonly key: Buffer };
  };
  readonly apiKey?: string;
}

type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';
type Sasl = { [M in SaslMechanism]: { readonly mechanism: M; readonly username: string; readonly password: string } }[SaslMechanism];

export interface KafkaConnectionSecurity {
  readonly ssl?: { readonly ca?: Buffer[]; readonly cert?: Buffer; readonly key?: Buffer };
  readonly sasl?: Sasl;
}

const saslOf = (mechanism: SaslMechanism, username: string, password: string): Sasl => {
  switch (mechanism) {
    case 'plain':
      return { mechanism, username, password };
    case 'scram-sha-256':
      return { mechanism, username, password };
    case 'scram-sha-512':
      return { mechanism, username, password };
  }
};

const read = (variable: string, path: string | undefined): Buffer | undefined => {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path);
  } catch {
    throw new ConfigError(`invalid configuration: ${variable} names a file that cannot be read`);
  }
};

const pair = (certVariable: string, cert: string | undefined, keyVariable: string, key: string | undefined) => {
  if ((cert === undefined) !== (key === undefined)) {
    throw new ConfigError(`invalid configuration: set both ${certVariable} and ${keyVariable} for mutual TLS, or neither`);
  }
  return cert === undefined ? undefined : { crt: read(certVariable, cert) as Buffer, key: read(keyVariable, key) as Buffer };
};

/** Options for @temporalio/client's Connection (and the worker's NativeConnection). */
export const temporalConnectionSecurity = (config: TemporalSecurityConfig): TemporalConnectionSecurity => {
  const tlsOn = config.TEMPORAL_TLS === 'on';
  const tlsFiles = [
    config.TEMPORAL_TLS_CA_FILE,
    config.TEMPORAL_TLS_CERT_FILE,
    config.TEMPORAL_TLS_KEY_FILE,
    config.TEMPORAL_TLS_SERVER_NAME,
  ];
  if (!tlsOn && tlsFiles.some((value) => value !== undefined)) {
    throw new ConfigError('invalid configuration: TEMPORAL_TLS_* settings need TEMPORAL_TLS=on');
  }
  if (!tlsOn && config.TEMPORAL_API_KEY !== undefined) {
    throw new ConfigError('invalid configuration: TEMPORAL_API_KEY is sent only over TLS; set TEMPORAL_TLS=on');
  }
  if (!tlsOn) return {};
  const clientCertPair = pair(
    'TEMPORAL_TLS_CERT_FILE',
    config.TEMPORAL_TLS_CERT_FILE,
    'TEMPORAL_TLS_KEY_FILE',
    config.TEMPORAL_TLS_KEY_FILE,
  );
  const ca = read('TEMPORAL_TLS_CA_FILE', config.TEMPORAL_TLS_CA_FILE);
  return {
    tls: {
      ...(config.TEMPORAL_TLS_SERVER_NAME === undefined ? {} : { serverNameOverride: config.TEMPORAL_TLS_SERVER_NAME }),
      ...(ca === undefined ? {} : { serverRootCACertificate: ca }),
      ...(clientCertPair === undefined ? {} : { clientCertPair }),
    },
    ...(config.TEMPORAL_API_KEY === undefined ? {} : { apiKey: config.TEMPORAL_API_KEY }),
  };
};

/** Options for kafkajs (`ssl`, `sasl`). */
export const kafkaConnectionSecurity = (config: KafkaSecurityConfig): KafkaConnectionSecurity => {
  const tlsOn = config.KAFKA_TLS === 'on';
  if (!tlsOn && [config.KAFKA_TLS_CA_FILE, config.KAFKA_TLS_CERT_FILE, config.KAFKA_TLS_KEY_FILE].some((value) => value !== undefined)) {
    throw new ConfigError('invalid configuration: KAFKA_TLS_* settings need KAFKA_TLS=on');
  }
  const saslParts = [config.KAFKA_SASL_MECHANISM, config.KAFKA_SASL_USERNAME, config.KAFKA_SASL_PASSWORD];
  if (saslParts.some((value) => value !== undefined) && saslParts.some((value) => value === undefined)) {
    throw new ConfigError('invalid configuration: set KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD together');
  }
  if (config.KAFKA_SASL_MECHANISM === 'plain' && !tlsOn) {
    throw new ConfigError('invalid configuration: SASL PLAIN sends the password in the clear; set KAFKA_TLS=on');
  }
  const clientPair = pair('KAFKA_TLS_CERT_FILE', config.KAFKA_TLS_CERT_FILE, 'KAFKA_TLS_KEY_FILE', config.KAFKA_TLS_KEY_FILE);
  const ca = read('KAFKA_TLS_CA_FILE', config.KAFKA_TLS_CA_FILE);
  return {
    ...(tlsOn
      ? {
          ssl: {
            ...(ca === undefined ? {} : { ca: [ca] }),
            ...(clientPair === undefined ? {} : { cert: clientPair.crt, key: clientPair.key }),
          },
        }
      : {}),
    ...(config.KAFKA_SASL_MECHANISM !== undefined && config.KAFKA_SASL_USERNAME !== undefined && config.KAFKA_SASL_PASSWORD !== undefined
      ? { sasl: saslOf(config.KAFKA_SASL_MECHANISM, config.KAFKA_SASL_USERNAME, config.KAFKA_SASL_PASSWORD) }
      : {}),
  };
};
