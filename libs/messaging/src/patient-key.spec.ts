import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { loadConfig } from '@careflow/config';
import { patientKeyEnv, PatientKeyError, patientKeyring } from './patient-key';

const secretA = Buffer.alloc(32, 1);
const secretB = Buffer.alloc(32, 2);
const keyring = patientKeyring(
  new Map([
    ['facility-a', secretA],
    ['facility-b', secretB],
  ]),
);

describe('patient key', () => {
  it('given a facility and an MRN, when keyed, then the key is HMAC-SHA-256 with the facility secret over both, as 64 hex digits', () => {
    const expected = createHmac('sha256', secretA).update('["facility-a","MRN-1"]').digest('hex');

    expect(keyring('facility-a', 'MRN-1')).toBe(expected);
    expect(keyring('facility-a', 'MRN-1')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('for any MRN, the key is stable, differs between facilities and never contains the MRN', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), (mrn) => {
        const key = keyring('facility-a', mrn);
        expect(keyring('facility-a', mrn)).toBe(key);
        expect(keyring('facility-b', mrn)).not.toBe(key);
        if (mrn.length >= 4) expect(key).not.toContain(mrn);
      }),
    );
  });

  it('given facility and MRN that would run together, when keyed, then the keys differ', () => {
    expect(keyring('facility-a', '1-23')).not.toBe(patientKeyring(new Map([['facility-a1-', secretA]]))('facility-a1-', '23'));
  });

  it('given a facility without a secret, when keyed, then it refuses instead of using another facility’s secret', () => {
    expect(() => keyring('facility-c', 'MRN-1')).toThrow(
      new PatientKeyError('No patient-key secret is configured for facility facility-c.'),
    );
  });

  it('given a secret shorter than 32 bytes, when the keyring is made, then it is refused', () => {
    expect(() => patientKeyring(new Map([['facility-a', Buffer.alloc(16)]]))).toThrow(PatientKeyError);
  });

  it('given PATIENT_KEY_SECRETS with one secret per facility, when loaded, then each facility has its secret', () => {
    const config = loadConfig(patientKeyEnv, {
      PATIENT_KEY_SECRETS: `facility-a=${secretA.toString('base64')}, facility-b=${secretB.toString('base64')}`,
    });

    expect(patientKeyring(config.PATIENT_KEY_SECRETS)('facility-b', 'MRN-1')).toBe(keyring('facility-b', 'MRN-1'));
  });

  it('given a short or malformed secret in PATIENT_KEY_SECRETS, when loaded, then the variable is named and the secret not echoed', () => {
    const short = Buffer.alloc(8, 7).toString('base64');
    const load = (value: string) => () => loadConfig(patientKeyEnv, { PATIENT_KEY_SECRETS: value });

    expect(load(`facility-a=${short}`)).toThrow(/PATIENT_KEY_SECRETS must give each facility a secret of at least 32 bytes/);
    expect(load(`facility-a=${short}`)).not.toThrow(short);
    expect(load('just-a-secret')).toThrow(/PATIENT_KEY_SECRETS must be facility=base64secret entries/);
  });
});
