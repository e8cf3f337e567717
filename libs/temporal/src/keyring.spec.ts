import { randomBytes } from 'node:crypto';
import { assertUsableKeyring, keyringFromEnv, PayloadKeyringError } from './keyring';

const base64Key = (): string => randomBytes(32).toString('base64');

describe('keyringFromEnv', () => {
  it('makes the first key active and keeps the others for decryption', () => {
    const k2 = base64Key();
    const k1 = base64Key();
    const keyring = keyringFromEnv(` k2:${k2} , k1:${k1} `);
    expect(keyring.activeKeyId).toBe('k2');
    expect(Object.keys(keyring.keys)).toEqual(['k2', 'k1']);
    expect(Buffer.from(keyring.keys['k1'] ?? []).toString('base64')).toBe(k1);
  });

  it('accepts url-safe base64', () => {
    const key = randomBytes(32).toString('base64url');
    expect(keyringFromEnv(`k1:${key}`).keys['k1']?.byteLength).toBe(32);
  });

  it.each([
    ['', /is empty/],
    [' , ', /is empty/],
    ['k1', /entry 1 must look like keyId:base64Key/],
    [`k1:${'A'.repeat(22)}==`, /entry 1 \(key id "k1"\) decodes to 16 bytes; AES-256 needs 32/],
    ['k1:not base64!', /entry 1 \(key id "k1"\) is not base64/],
    [`k1:${base64Key()},k1:${base64Key()}`, /key id "k1" appears more than once/],
    [`bad id:${base64Key()}`, /key id "bad id" is invalid/],
    [`:${base64Key()}`, /key id "" is invalid/],
    [`__proto__:${base64Key()}`, /key id "__proto__" is invalid/],
  ])('refuses %j', (value, message) => {
    expect(() => keyringFromEnv(value)).toThrow(PayloadKeyringError);
    expect(() => keyringFromEnv(value)).toThrow(message);
  });

  it('never puts key material into its errors', () => {
    const shortKey = randomBytes(31).toString('base64');
    expect(() => keyringFromEnv(`k1:${shortKey}`)).toThrow(/decodes to 31 bytes/);
    expect(() => keyringFromEnv(`k1:${shortKey}`)).not.toThrow(shortKey);
  });
});

describe('assertUsableKeyring', () => {
  it('refuses an active key id that has no key', () => {
    expect(() => assertUsableKeyring({ activeKeyId: 'k3', keys: { k1: randomBytes(32) } })).toThrow(
      'Active payload key id "k3" is not in the keyring',
    );
  });
});
