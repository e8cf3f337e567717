import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadApiConfig } from './config';

const key = Buffer.alloc(32, 7).toString('base64');
const base = {
  API_DATABASE_URL: 'postgres://api:secret@127.0.0.1:5432/careflow',
  TEMPORAL_ADDRESS: '127.0.0.1:7233',
  KAFKA_BROKERS: '127.0.0.1:9092',
  AUTH_JWT_SECRET: 'x'.repeat(32),
  AUDIT_HMAC_KEYS: `a1:${key}`,
  PATIENT_KEY_SECRETS: `facility-1=${key}`,
  FACILITY_ID: 'facility-1',
  PAYLOAD_KEYS: `k1:${key}`,
};

const pem = (name: string): string => {
  const directory = mkdtempSync(join(tmpdir(), 'api-config-'));
  const path = join(directory, name);
  writeFileSync(path, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  return path;
};

describe('loadApiConfig', () => {
  it('given the local stack settings, then plain connections', () => {
    const config = loadApiConfig(base);
    expect(config.temporalSecurity).toEqual({});
    expect(config.kafkaSecurity).toEqual({});
  });

  it('given a JWKS over plain HTTP, then it refuses to start', () => {
    expect(() => loadApiConfig({ ...base, AUTH_JWT_SECRET: undefined, AUTH_JWKS_URL: 'http://idp.example/jwks' })).toThrow(/AUTH_JWKS_URL/);
  });

  it('given mutual TLS, an API key and SASL, then the connections carry them, read from the files', () => {
    const config = loadApiConfig({
      ...base,
      NODE_ENV: 'production',
      TEMPORAL_TLS: 'on',
      TEMPORAL_TLS_CA_FILE: pem('ca.pem'),
      TEMPORAL_TLS_CERT_FILE: pem('client.pem'),
      TEMPORAL_TLS_KEY_FILE: pem('client.key'),
      TEMPORAL_API_KEY: 'api-key',
      KAFKA_TLS: 'on',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'careflow-api',
      KAFKA_SASL_PASSWORD: 'secret',
    });
    expect(config.temporalSecurity.tls?.clientCertPair?.crt).toBeInstanceOf(Buffer);
    expect(config.temporalSecurity.tls?.serverRootCACertificate).toBeInstanceOf(Buffer);
    expect(config.temporalSecurity.apiKey).toBe('api-key');
    expect(config.kafkaSecurity).toEqual({ ssl: {}, sasl: { mechanism: 'scram-sha-512', username: 'careflow-api', password: 'secret' } });
  });

  it.each([
    [{ TEMPORAL_API_KEY: 'k' }, /TEMPORAL_API_KEY is sent only over TLS/],
    [{ TEMPORAL_TLS: 'on', TEMPORAL_TLS_CERT_FILE: '/nowhere/client.pem' }, /set both TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE/],
    [{ TEMPORAL_TLS: 'on', TEMPORAL_TLS_CA_FILE: '/nowhere/ca.pem' }, /TEMPORAL_TLS_CA_FILE names a file that cannot be read/],
    [{ TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' }, /need TEMPORAL_TLS=on/],
    [{ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, /SASL PLAIN sends the password in the clear/],
    [{ KAFKA_TLS: 'on', KAFKA_SASL_USERNAME: 'u' }, /together/],
  ])('given settings that cannot work (%j), then it names the problem at start', (settings, problem) => {
    expect(() => loadApiConfig({ ...base, ...settings })).toThrow(problem);
  });

  it('never echoes a secret or a path in its message', () => {
    try {
      loadApiConfig({ ...base, TEMPORAL_TLS: 'on', TEMPORAL_TLS_CA_FILE: '/secret-place/ca.pem' });
    } catch (error) {
      expect(String(error)).not.toContain('secret-place');
    }
    expect.assertions(1);
  });
});
