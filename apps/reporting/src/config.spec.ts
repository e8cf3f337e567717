import { ConfigError } from '@careflow/config';
import { loadRebuildConfig, loadReportingConfig } from './config';

const secret = Buffer.alloc(32, 1).toString('base64');
const rebuildEnv = {
  REPORTING_DATABASE_URL: 'postgres://careflow_reporting@db:5432/careflow',
  REPORTING_REBUILD_SOURCE_DATABASE_URL: 'postgres://careflow_relay@db:5432/careflow',
  FACILITY_ID: 'facility-a',
  PATIENT_KEY_SECRETS: `facility-a=${secret}`,
};

describe('reporting configuration', () => {
  it('given the live app’s environment, when loaded, then it needs its own database and the brokers, nothing of the store', () => {
    const config = loadReportingConfig({ REPORTING_DATABASE_URL: rebuildEnv.REPORTING_DATABASE_URL, KAFKA_BROKERS: 'kafka:9092' });
    expect(config).toMatchObject({ KAFKA_BROKERS: ['kafka:9092'] });
    expect(config).not.toHaveProperty('REPORTING_REBUILD_SOURCE_DATABASE_URL');
  });

  it('given the rebuild’s environment, when loaded, then the batch size defaults to 1000', () => {
    expect(loadRebuildConfig(rebuildEnv)).toMatchObject({ REPORTING_REBUILD_BATCH_SIZE: 1000, FACILITY_ID: 'facility-a' });
  });

  it('given no source of events, when the rebuild loads, then it names the variable', () => {
    const { REPORTING_REBUILD_SOURCE_DATABASE_URL: _source, ...withoutSource } = rebuildEnv;
    expect(() => loadRebuildConfig(withoutSource)).toThrow(/REPORTING_REBUILD_SOURCE_DATABASE_URL/);
  });

  it('given a facility without a patient-key secret, when the rebuild loads, then it refuses', () => {
    expect(() => loadRebuildConfig({ ...rebuildEnv, FACILITY_ID: 'facility-b' })).toThrow(ConfigError);
  });
});
