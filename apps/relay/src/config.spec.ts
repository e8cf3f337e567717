import { loadRelayConfig } from './config';

const secret = Buffer.alloc(32, 3).toString('base64');
const env = {
  RELAY_DATABASE_URL: 'postgres://relay:relay@127.0.0.1:5432/careflow',
  KAFKA_BROKERS: '127.0.0.1:9092',
  FACILITY_ID: 'facility-a',
  PATIENT_KEY_SECRETS: `facility-a=${secret}`,
};

describe('relay configuration', () => {
  it('given the facility and its patient-key secret, when loaded, then the relay has both', () => {
    const config = loadRelayConfig(env);

    expect(config.FACILITY_ID).toBe('facility-a');
    expect(config.PATIENT_KEY_SECRETS.get('facility-a')).toEqual(Buffer.from(secret, 'base64'));
  });

  it('given no secret for the deployment’s facility, when loaded, then the relay refuses to start, naming both variables and no secret', () => {
    const load = () => loadRelayConfig({ ...env, FACILITY_ID: 'facility-b' });

    expect(load).toThrow('PATIENT_KEY_SECRETS has no secret for FACILITY_ID');
    expect(load).not.toThrow(secret);
  });

  it('given no facility, when loaded, then FACILITY_ID is named as missing', () => {
    const { FACILITY_ID: _facility, ...withoutFacility } = env;

    expect(() => loadRelayConfig(withoutFacility)).toThrow(/FACILITY_ID is missing/);
  });
});
