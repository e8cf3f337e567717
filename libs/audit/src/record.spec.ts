import fc from 'fast-check';
import { auditEnv } from './config';
import { AuditKeyError, parseAuditKeyring } from './keys';
import { retentionCutoff } from './purge';
import { checkAuditEntry, InvalidAuditEntryError, recordHash, type AuditEntry } from './record';
import { z } from 'zod';

/** Stands for the pseudonymous patient key (64 hex digits). */
const patientKey = 'a1'.repeat(32);

const entry = (overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  who: { userId: 'u-7', role: 'therapist' },
  what: { resourceType: 'episode', resourceId: 'D1:ref-7', patientKey, departmentId: 'D1' },
  action: 'read',
  operation: 'episode:read',
  where: { clientAddress: '::ffff:10.0.0.7' },
  why: 'treatment',
  outcome: 'success',
  ...overrides,
});

describe('an audit entry', () => {
  it('is accepted when it holds ids and codes only', () => {
    expect(() => checkAuditEntry(entry())).not.toThrow();
    expect(() => checkAuditEntry(entry({ who: { userId: null, role: null }, why: null, outcome: 'denied' }))).not.toThrow();
  });

  it.each<[string, Partial<AuditEntry>, string]>([
    ['free text in an id', { what: { resourceType: 'episode', resourceId: 'Jane Doe' } }, 'what.resourceId'],
    ['an MRN-like patient key with spaces', { what: { resourceType: 'episode', patientKey: 'MRN 123' } }, 'what.patientKey'],
    ['a role without a user', { who: { userId: null, role: 'therapist' } }, 'a user and a role together'],
    ['a successful access by nobody', { who: { userId: null, role: null } }, 'known user'],
    ['an unknown role', { who: { userId: 'u-7', role: 'system' as 'therapist' } }, 'who.role'],
    ['an unknown purpose', { why: 'marketing' as 'audit' }, 'why'],
    ['an unknown outcome', { outcome: 'maybe' as 'success' }, 'outcome'],
    ['an unknown action', { action: 'print' as 'read' }, 'action'],
    ['an overlong request id', { requestId: 'r'.repeat(201) }, 'requestId'],
  ])('is refused with %s, naming the field but not the value', (_case, overrides, words) => {
    const check = () => checkAuditEntry(entry(overrides));
    expect(check).toThrow(InvalidAuditEntryError);
    expect(check).toThrow(words);
    expect(check).not.toThrow(/Jane|MRN 123/);
  });
});

describe('the record hash', () => {
  const key = { id: 'k1', secret: Buffer.alloc(32, 1) };
  const stored = { ...entry(), sequence: 1, recordedAt: new Date('2026-03-02T09:00:00Z'), keyId: 'k1' };

  it('changes with any field, the previous hash and the key', () => {
    const base = recordHash(key, Buffer.alloc(32), stored);
    expect(recordHash(key, Buffer.alloc(32, 1), stored)).not.toEqual(base);
    expect(recordHash({ id: 'k1', secret: Buffer.alloc(32, 2) }, Buffer.alloc(32), stored)).not.toEqual(base);
    fc.assert(
      fc.property(fc.constantFrom('u-8', 'x'), fc.constantFrom<AuditEntry['outcome']>('denied', 'error'), (userId, outcome) => {
        expect(recordHash(key, Buffer.alloc(32), { ...stored, who: { ...stored.who, userId } })).not.toEqual(base);
        expect(recordHash(key, Buffer.alloc(32), { ...stored, outcome })).not.toEqual(base);
      }),
    );
    // An absent field and an empty one must not collide.
    expect(recordHash(key, Buffer.alloc(32), { ...stored, requestId: 'null' })).not.toEqual(base);
  });
});

describe('audit configuration', () => {
  const schema = z.object(auditEnv);
  const secret = Buffer.alloc(32, 5).toString('base64');

  it('reads a keyring whose first key signs, and six years of retention by default', () => {
    const config = schema.parse({ AUDIT_HMAC_KEYS: `k2:${secret},k1:${secret}` });
    expect(config.AUDIT_HMAC_KEYS.active.id).toBe('k2');
    expect([...config.AUDIT_HMAC_KEYS.byId.keys()]).toEqual(['k2', 'k1']);
    expect(config.AUDIT_RETENTION_YEARS).toBe(6);
  });

  it.each([
    ['k1:c2hvcnQ=', 'shorter than 32 bytes'],
    [`${secret}`, 'keyId:base64secret'],
    [`k1:${secret},k1:${secret}`, 'given twice'],
    [`bad id:${secret}`, 'key id'],
  ])('refuses the keyring %p without echoing it', (value, words) => {
    const result = schema.safeParse({ AUDIT_HMAC_KEYS: value });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain(words);
    expect(JSON.stringify(result.error?.issues)).not.toContain(secret);
    expect(() => parseAuditKeyring(value)).toThrow(AuditKeyError);
  });

  it('refuses a retention shorter than HIPAA requires', () => {
    expect(schema.safeParse({ AUDIT_HMAC_KEYS: `k1:${secret}`, AUDIT_RETENTION_YEARS: '5' }).success).toBe(false);
  });
});

describe('the retention cutoff', () => {
  it('is the same instant six calendar years earlier', () => {
    expect(retentionCutoff(new Date('2033-06-01T12:00:00Z'), 6)).toEqual(new Date('2027-06-01T12:00:00Z'));
    expect(retentionCutoff(new Date('2032-02-29T00:00:00Z'), 6)).toEqual(new Date('2026-03-01T00:00:00Z'));
  });
});
