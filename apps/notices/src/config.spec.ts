import { ConfigError } from '@careflow/config';
import { loadNoticesConfig } from './config';

const base = {
  NOTICES_DATABASE_URL: 'postgres://careflow_notices:secret@db:5432/careflow',
  KAFKA_BROKERS: 'kafka:9092',
  FACILITY_ID: 'main-hospital',
  NOTICES_ENDPOINT_URL: 'https://referrers.example.org/fhir/Communication',
};

describe('the notices configuration', () => {
  it('takes an https endpoint, with bounded retries and timeouts by default', () => {
    const config = loadNoticesConfig({ ...base, NODE_ENV: 'production' });
    expect(config.NOTICES_ENDPOINT_URL).toBe(base.NOTICES_ENDPOINT_URL);
    expect(config).toMatchObject({
      NOTICES_TIMEOUT_MS: 10_000,
      NOTICES_MAX_ATTEMPTS: 8,
      NOTICES_RETRY_BASE_MS: 2_000,
      NOTICES_RETRY_MAX_MS: 300_000,
    });
  });

  it.each([
    ['production', 'http://127.0.0.1:8080/fhir'],
    ['development', 'http://referrers.example.org/fhir'],
    ['test', 'http://10.0.0.5/fhir'],
  ])('refuses plain http in %s to %s', (NODE_ENV, url) => {
    expect(() => loadNoticesConfig({ ...base, NODE_ENV, NOTICES_ENDPOINT_URL: url })).toThrow(
      new ConfigError('invalid configuration: NOTICES_ENDPOINT_URL must be an https URL (http only to loopback outside production)'),
    );
  });

  it.each(['http://127.0.0.1:8080/fhir', 'http://localhost:8080/fhir', 'http://[::1]:8080/fhir'])(
    'allows plain http to loopback outside production: %s',
    (url) => {
      expect(loadNoticesConfig({ ...base, NODE_ENV: 'test', NOTICES_ENDPOINT_URL: url }).NOTICES_ENDPOINT_URL).toBe(url);
    },
  );

  it('refuses another scheme, credentials in the URL (without echoing them) and a cap below the first delay', () => {
    expect(() => loadNoticesConfig({ ...base, NOTICES_ENDPOINT_URL: 'ftp://referrers.example.org/' })).toThrow(
      'NOTICES_ENDPOINT_URL must be an https URL',
    );
    const withCredentials = () => loadNoticesConfig({ ...base, NOTICES_ENDPOINT_URL: 'https://user:hunter2@referrers.example.org/' });
    expect(withCredentials).toThrow('must not carry credentials');
    expect(withCredentials).not.toThrow(/hunter2/);
    expect(() => loadNoticesConfig({ ...base, NOTICES_RETRY_BASE_MS: '5000', NOTICES_RETRY_MAX_MS: '1000' })).toThrow(
      'NOTICES_RETRY_MAX_MS must not be below NOTICES_RETRY_BASE_MS',
    );
  });

  it('takes PEM certificates to trust, and refuses anything else without echoing it', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    expect(loadNoticesConfig({ ...base, NOTICES_ENDPOINT_CA: pem }).NOTICES_ENDPOINT_CA).toBe(pem);
    const notPem = () => loadNoticesConfig({ ...base, NOTICES_ENDPOINT_CA: 'secret-looking-value' });
    expect(notPem).toThrow('NOTICES_ENDPOINT_CA must be PEM certificates');
    expect(notPem).not.toThrow(/secret-looking-value/);
  });

  it('names what is missing', () => {
    expect(() => loadNoticesConfig({ NODE_ENV: 'production' })).toThrow(
      /NOTICES_DATABASE_URL is missing.*KAFKA_BROKERS is missing.*FACILITY_ID is missing.*NOTICES_ENDPOINT_URL is missing/,
    );
  });
});
