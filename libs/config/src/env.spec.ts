import { z } from 'zod';
import { appDatabaseEnv, ConfigError, databaseEnv, kafkaEnv, loadConfig, temporalEnv } from './env';

describe('loadConfig', () => {
  const valid = {
    DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
    TEMPORAL_ADDRESS: '127.0.0.1:7233',
    KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093',
  };
  const shape = { ...databaseEnv, ...temporalEnv, ...kafkaEnv };

  it('given a complete environment, when loaded, then defaults are filled and lists parsed', () => {
    const config = loadConfig(shape, valid);
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092', '127.0.0.1:9093']);
    expect(config.TEMPORAL_NAMESPACE).toBe('default');
    expect(config.DATABASE_POOL_MAX).toBe(10);
  });

  it('given a missing variable, when loaded, then one line names it', () => {
    const { DATABASE_URL: _omitted, ...rest } = valid;
    expect(() => loadConfig(shape, rest)).toThrow(new ConfigError('invalid configuration: DATABASE_URL is missing'));
  });

  it('given a malformed variable, when loaded, then the message names it without echoing its value', () => {
    const run = () => loadConfig(shape, { ...valid, TEMPORAL_ADDRESS: 'secret-host' });
    expect(run).toThrow(/TEMPORAL_ADDRESS must be host:port/);
    expect(run).not.toThrow(/secret-host/);
  });

  it('given a URL of the wrong kind, when loaded, then it says which kind is expected', () => {
    expect(() => loadConfig(shape, { ...valid, DATABASE_URL: 'mysql://x@y/z' })).toThrow(
      /DATABASE_URL must be a postgres or postgresql URL/,
    );
  });

  it('given a numeric variable out of range, when loaded, then it is refused', () => {
    expect(() => loadConfig({ N: z.coerce.number().max(3) }, { N: '9' })).toThrow(/^invalid configuration: N /);
  });
});

describe('appDatabaseEnv', () => {
  it('given only the shared DATABASE_URL, when an app loads, then its own variable is missing: it never falls back', () => {
    expect(() => loadConfig(appDatabaseEnv('worker'), { DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db' })).toThrow(
      new ConfigError('invalid configuration: WORKER_DATABASE_URL is missing'),
    );
  });

  it("given the app's own URL, when it loads, then the URL is under the app's variable", () => {
    const config = loadConfig(appDatabaseEnv('relay'), { RELAY_DATABASE_URL: 'postgres://careflow_relay:p@127.0.0.1:5432/db' });
    expect(config.RELAY_DATABASE_URL).toBe('postgres://careflow_relay:p@127.0.0.1:5432/db');
  });
});
