import { createHash } from 'node:crypto';
import type { Sql, TransactionSql } from 'postgres';
import { pollUntil } from '@careflow/event-store/testing';
import { auditChainLockKey, createAuditTrail, type AuditTrail } from './audit-trail';
import { checkpointSignature } from './checkpoint';
import { auditKeyring } from './keys';
import { purgeExpiredAuditRecords, AuditTrailBrokenError } from './purge';
import { chainedContent, type AuditEntry } from './record';
import { openScratchTrail, testKeyring, type ScratchTrail } from './testing/scratch-trail';
import { verifyAuditTrail, type AuditVerification } from './verifier';

const keys = testKeyring();
/** Stands for the pseudonymous patient key (64 hex digits). */
const patientKeyOf = (n: number): string => createHash('sha256').update(`patient-${n}`).digest('hex');

const entry = (n: number, overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  who: { userId: `u-${n}`, role: 'therapist' },
  what: { resourceType: 'episode', resourceId: `D1:ref-${n}`, patientKey: patientKeyOf(n), departmentId: 'D1' },
  action: 'read',
  operation: 'episode:read',
  where: { clientAddress: '10.0.0.7' },
  why: 'treatment',
  outcome: 'success',
  requestId: `req-${n}`,
  ...overrides,
});

class RolledBack extends Error {}

/** Runs `tamper` and the verifier in one transaction and rolls it back, so the chain stays honest. */
const inRolledBack = async (sql: Sql, tamper: (tx: TransactionSql) => Promise<unknown>): Promise<AuditVerification> => {
  let verification: AuditVerification | undefined;
  await sql
    .begin(async (tx) => {
      await tamper(tx);
      verification = await verifyAuditTrail(tx, keys, { batchSize: 2 });
      throw new RolledBack();
    })
    .catch((error: unknown) => {
      if (!(error instanceof RolledBack)) throw error;
    });
  if (!verification) throw new Error('the verifier did not run');
  return verification;
};

/** As a superuser who deliberately passes the append-only triggers (the schema owner cannot). */
const asOwnerPastTriggers = (db: ScratchTrail, tamper: (tx: TransactionSql) => Promise<unknown>): Promise<AuditVerification> =>
  inRolledBack(db.superuser, async (tx) => {
    await tx`SET LOCAL session_replication_role = replica`;
    await tamper(tx);
  });

describe('the audit trail', () => {
  let db: ScratchTrail;
  let trail: AuditTrail;

  beforeAll(async () => {
    db = await openScratchTrail('audit-trail');
    trail = createAuditTrail({ sql: db.sql, keys });
    for (let n = 1; n <= 5; n += 1) await trail.record(entry(n));
  });

  afterAll(async () => {
    await db.close();
  });

  it('appends records that verify, each chained to the one before, also when many are written at once', async () => {
    const concurrent = await Promise.all(Array.from({ length: 20 }, (_, i) => trail.record(entry(100 + i))));
    expect(concurrent.map((record) => record.sequence).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => 6 + i));
    await expect(verifyAuditTrail(db.sql, keys, { batchSize: 7 })).resolves.toEqual({
      recordsChecked: 25,
      resumedAfterSequence: 0,
      firstBreak: null,
    });
  });

  it('appends the records that arrive during an append together in the next transaction, in the order they came', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => 300 + i);
    const records = await Promise.all(ids.map((n) => trail.record(entry(n))));
    const first = records[0]?.sequence ?? 0;
    expect(records.map((record) => record.sequence)).toEqual(ids.map((_, i) => first + i));
    // xmin is the inserting transaction: the first record went alone, the 49 that waited went together.
    const [transactions] = await db.sql<{ n: number }[]>`
      SELECT count(DISTINCT xmin::text)::int AS n FROM audit_records WHERE request_id IN ${db.sql(ids.map((n) => `req-${n}`))}`;
    expect(transactions?.n).toBe(2);
    await expect(verifyAuditTrail(db.sql, keys)).resolves.toMatchObject({ firstBreak: null });
  });

  it('keeps one unbroken chain when two API instances wait for the lock at once: each reads the head only once it holds it', async () => {
    const other = createAuditTrail({ sql: db.owner, keys });
    const waitingForLock = () =>
      db.superuser<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`;
    // Wrapped, so the holder's transaction commits (and lets the lock go) without awaiting the appends.
    const { appends } = await db.superuser.begin(async (holder) => {
      await holder`SELECT pg_advisory_xact_lock(hashtextextended(${auditChainLockKey}, 0))`;
      const waiting = Promise.all([trail.record(entry(500)), other.record(entry(501))]);
      await pollUntil(waitingForLock, (rows) => (rows[0]?.n ?? 0) >= 2, { what: 'both appends waiting for the lock' });
      return { appends: waiting };
    });
    const records = await appends;
    expect(records[1]?.sequence).not.toBe(records[0]?.sequence);
    await expect(verifyAuditTrail(db.sql, keys)).resolves.toMatchObject({ firstBreak: null });
  });

  it('refuses every record of an append the database refuses, writes none of them, and goes on when it accepts again', async () => {
    const [before] = await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM audit_records`;
    await db.owner.unsafe(`REVOKE INSERT ON audit_records FROM ${db.apiRole}`);
    let outcomes: PromiseSettledResult<unknown>[];
    try {
      outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => trail.record(entry(400 + i))));
    } finally {
      await db.owner.unsafe(`GRANT INSERT ON audit_records TO ${db.apiRole}`);
    }
    expect(outcomes.map((outcome) => outcome.status)).toEqual(Array.from({ length: 10 }, () => 'rejected'));
    const [after] = await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM audit_records`;
    expect(after?.n).toBe(before?.n);
    await expect(trail.record(entry(410))).resolves.toMatchObject({ sequence: (before?.n ?? 0) + 1 });
    await expect(verifyAuditTrail(db.sql, keys)).resolves.toMatchObject({ firstBreak: null });
  });

  it('finds records by resource, user, department and time, reading back every field', async () => {
    const written = await trail.record(entry(7, { outcome: 'denied', outcomeReason: 'ROLE_NOT_PERMITTED', why: null }));
    const [found] = await trail.search({ resourceType: 'episode', resourceId: 'D1:ref-7' });
    expect(found).toEqual(written);
    expect(await trail.search({ userId: 'u-7', from: written.recordedAt, departments: ['D1'] })).toEqual([written]);
    expect(await trail.search({ userId: 'u-7', departments: ['D2'] })).toEqual([]);
    expect(await trail.search({ userId: 'u-7', to: written.recordedAt })).toEqual([]);
  });

  it('records a caller whose token was refused, without a user', async () => {
    const record = await trail.record(
      entry(8, { who: { userId: null, role: null }, why: null, outcome: 'denied', outcomeReason: 'expired' }),
    );
    expect(record.who).toEqual({ userId: null, role: null });
  });

  it('names a record changed by a superuser past the triggers as the first broken one', async () => {
    const verification = await asOwnerPastTriggers(db, (tx) => tx`UPDATE audit_records SET user_id = 'u-999' WHERE sequence = 3`);
    expect(verification.firstBreak).toEqual({ sequence: 3, reason: 'hash-mismatch' });
  });

  it('detects a record forged by someone with the api role, who cannot know the HMAC key', async () => {
    const verification = await inRolledBack(db.sql, async (tx) => {
      const [head] = await tx<
        { sequence: string; hash: Buffer }[]
      >`SELECT sequence, hash FROM audit_records ORDER BY sequence DESC LIMIT 1`;
      if (!head) throw new Error('no records');
      // The best a forger without the key can do: the chain's own formula with a plain hash for the HMAC.
      const forged = { ...entry(1), sequence: Number(head.sequence) + 1, recordedAt: new Date(), keyId: 'k2' };
      const hash = createHash('sha256').update(head.hash).update(chainedContent(forged)).digest();
      await tx`
        INSERT INTO audit_records (sequence, recorded_at, user_id, user_role, action, operation, resource_type, outcome,
                                   purpose_of_use, key_id, previous_hash, hash)
        VALUES (${forged.sequence}, ${forged.recordedAt}, 'u-1', 'therapist', 'read', 'episode:read', 'episode', 'success',
                'treatment', 'k2', ${head.hash}, ${hash})`;
    });
    const [head] = await db.sql<{ sequence: string }[]>`SELECT max(sequence) AS sequence FROM audit_records`;
    expect(verification.firstBreak).toEqual({ sequence: Number(head?.sequence) + 1, reason: 'hash-mismatch' });
  });

  it('detects a record deleted from the middle and one re-chained without the key', async () => {
    await expect(asOwnerPastTriggers(db, (tx) => tx`DELETE FROM audit_records WHERE sequence = 4`)).resolves.toMatchObject({
      firstBreak: { sequence: 4, reason: 'record-missing' },
    });
    await expect(
      asOwnerPastTriggers(db, (tx) => tx`UPDATE audit_records SET previous_hash = ${Buffer.alloc(32)} WHERE sequence = 2`),
    ).resolves.toMatchObject({ firstBreak: { sequence: 2, reason: 'chain-broken' } });
  });

  it('names a record signed with a key the configuration no longer holds', async () => {
    const withoutOldKey = auditKeyring([{ id: 'k9', secret: Buffer.alloc(32, 9) }]);
    await expect(verifyAuditTrail(db.sql, withoutOldKey)).resolves.toMatchObject({ firstBreak: { sequence: 1, reason: 'unknown-key' } });
  });

  it('lets the api role insert and read audit records, never update, delete or truncate them', async () => {
    const privileges = await db.owner<{ table: string; privilege: string }[]>`
      SELECT t.name AS table, p.privilege
      FROM unnest(ARRAY['audit_records', 'audit_checkpoints']) AS t(name)
      CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) AS p(privilege)
      WHERE has_table_privilege(${db.apiRole}, t.name, p.privilege)
      ORDER BY 1, 2`;
    expect(privileges).toEqual([
      { table: 'audit_checkpoints', privilege: 'SELECT' },
      { table: 'audit_records', privilege: 'INSERT' },
      { table: 'audit_records', privilege: 'SELECT' },
    ]);
    for (const statement of [
      db.sql`UPDATE audit_records SET outcome = 'success' WHERE sequence = 1`,
      db.sql`DELETE FROM audit_records WHERE sequence = 1`,
      db.sql`TRUNCATE audit_records`,
      db.sql`INSERT INTO audit_checkpoints VALUES (1, ${Buffer.alloc(32)}, now(), now(), 'k2', ${Buffer.alloc(32)})`,
    ]) {
      await expect(statement).rejects.toMatchObject({ code: '42501' });
    }
  });

  it('keeps even the owner from changing the trail unless the triggers are deliberately passed', async () => {
    for (const statement of [
      db.owner`UPDATE audit_records SET outcome = 'success' WHERE sequence = 1`,
      db.owner`DELETE FROM audit_records WHERE sequence = 1`,
      db.owner`TRUNCATE audit_records`,
    ]) {
      await expect(statement).rejects.toMatchObject({ code: '42501', message: expect.stringContaining('append-only') });
    }
    // The purge's flag alone lets nothing go that no checkpoint covers.
    await expect(
      db.owner.begin(async (tx) => {
        await tx`SELECT set_config('careflow.audit_purge', 'on', true)`;
        await tx`DELETE FROM audit_records WHERE sequence = 1`;
      }),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(verifyAuditTrail(db.sql, keys)).resolves.toMatchObject({ firstBreak: null });
  });
});

describe('retention', () => {
  let db: ScratchTrail;

  beforeEach(async () => {
    db = await openScratchTrail('audit-retention');
  });

  afterEach(async () => {
    await db.close();
  });

  const now = new Date('2033-06-01T12:00:00Z');

  const writeAt = async (instants: readonly string[]): Promise<AuditTrail> => {
    let next = 0;
    const trail = createAuditTrail({ sql: db.sql, keys, clock: () => new Date(instants[next++] ?? now) });
    for (let n = 0; n < instants.length; n += 1) await trail.record(entry(n));
    return trail;
  };

  it('purges the records older than six years behind a signed checkpoint, and the chain still verifies and grows', async () => {
    const trail = await writeAt(['2025-01-10T08:00:00Z', '2026-05-31T08:00:00Z', '2027-06-01T12:00:00Z', '2030-02-02T08:00:00Z']);

    const result = await purgeExpiredAuditRecords(db.owner, keys, { now });
    expect(result).toMatchObject({ purged: 2, checkpoint: { lastPurgedSequence: 2, keyId: 'k2' } });
    await expect(db.sql`SELECT sequence FROM audit_records ORDER BY sequence`).resolves.toEqual([{ sequence: '3' }, { sequence: '4' }]);

    await trail.record(entry(5));
    await expect(verifyAuditTrail(db.sql, keys)).resolves.toEqual({ recordsChecked: 3, resumedAfterSequence: 2, firstBreak: null });
    await expect(purgeExpiredAuditRecords(db.owner, keys, { now })).resolves.toEqual({ purged: 0, checkpoint: null });
  });

  it('continues the chain from the checkpoint when every record was purged', async () => {
    const trail = await writeAt(['2020-01-10T08:00:00Z', '2021-01-10T08:00:00Z']);
    await expect(purgeExpiredAuditRecords(db.owner, keys, { now })).resolves.toMatchObject({ purged: 2 });
    await expect(trail.record(entry(3))).resolves.toMatchObject({ sequence: 3 });
    await expect(verifyAuditTrail(db.sql, keys)).resolves.toEqual({ recordsChecked: 1, resumedAfterSequence: 2, firstBreak: null });
  });

  it('detects a checkpoint forged to hide purged or deleted records', async () => {
    await writeAt(['2020-01-10T08:00:00Z', '2030-01-10T08:00:00Z', '2031-01-10T08:00:00Z']);
    const verification = await inRolledBack(db.superuser, async (tx) => {
      const [second] = await tx<{ hash: Buffer }[]>`SELECT hash FROM audit_records WHERE sequence = 2`;
      const unsigned = {
        lastPurgedSequence: 2,
        lastPurgedHash: second?.hash ?? Buffer.alloc(32),
        lastPurgedRecordedAt: new Date('2030-01-10T08:00:00Z'),
        createdAt: now,
        keyId: 'k2',
      };
      const wrongKey = { id: 'k2', secret: Buffer.alloc(32, 7) };
      await tx`
        INSERT INTO audit_checkpoints (last_purged_sequence, last_purged_hash, last_purged_recorded_at, created_at, key_id, signature)
        VALUES (2, ${unsigned.lastPurgedHash}, ${unsigned.lastPurgedRecordedAt}, ${now}, 'k2', ${checkpointSignature(wrongKey, unsigned)})`;
    });
    expect(verification.firstBreak).toEqual({ sequence: 2, reason: 'checkpoint-forged' });
  });

  it('purges nothing from a trail that does not verify', async () => {
    await writeAt(['2020-01-10T08:00:00Z', '2021-01-10T08:00:00Z']);
    await db.superuser.begin(async (tx) => {
      await tx`SET LOCAL session_replication_role = replica`;
      await tx`UPDATE audit_records SET user_id = 'u-999' WHERE sequence = 1`;
    });
    await expect(purgeExpiredAuditRecords(db.owner, keys, { now })).rejects.toThrow(AuditTrailBrokenError);
    await expect(db.sql`SELECT count(*)::int AS n FROM audit_records`).resolves.toEqual([{ n: 2 }]);
  });
});
