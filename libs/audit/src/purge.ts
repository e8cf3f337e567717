import type { Sql } from 'postgres';
import { auditChainLockKey } from './audit-trail';
import { checkpointSignature, type AuditCheckpoint } from './checkpoint';
import { defaultRetentionYears } from './config';
import type { AuditKeyring } from './keys';
import { toSequence } from './rows';
import { verifyAuditTrail, type AuditBreak } from './verifier';

export interface PurgeOptions {
  readonly retentionYears?: number;
  readonly now?: Date;
}

export type PurgeResult =
  { readonly purged: 0; readonly checkpoint: null } | { readonly purged: number; readonly checkpoint: AuditCheckpoint };

/** The trail does not verify: purging would destroy the evidence, so nothing is purged. */
export class AuditTrailBrokenError extends Error {
  override readonly name = 'AuditTrailBrokenError';
  constructor(readonly firstBreak: AuditBreak) {
    super(`the audit trail does not verify from record ${firstBreak.sequence} (${firstBreak.reason}); nothing was purged`);
  }
}

/** The instant before which records are past retention: the same calendar day, `years` earlier (UTC). */
export const retentionCutoff = (now: Date, years: number): Date => {
  const cutoff = new Date(now);
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - years);
  return cutoff;
};

/**
 * Deletes the records past retention, oldest first and without gaps, after writing a signed
 * checkpoint of the last one deleted, so the rest of the chain still verifies from it. Refuses when
 * the trail does not verify. `ownerSql` connects as the schema owner: no application role may delete.
 */
export const purgeExpiredAuditRecords = async (ownerSql: Sql, keys: AuditKeyring, options: PurgeOptions = {}): Promise<PurgeResult> => {
  const now = options.now ?? new Date();
  const cutoff = retentionCutoff(now, options.retentionYears ?? defaultRetentionYears);
  return ownerSql.begin(async (tx) => {
    // Appends wait meanwhile, so the chain verified is the chain purged.
    await tx`SELECT pg_advisory_xact_lock(hashtextextended(${auditChainLockKey}, 0))`;
    const verification = await verifyAuditTrail(tx, keys);
    if (verification.firstBreak) throw new AuditTrailBrokenError(verification.firstBreak);

    // The newest record such that it and every record before it are past retention.
    const [last] = await tx<{ sequence: string; hash: Buffer; recorded_at: Date }[]>`
      SELECT sequence, hash, recorded_at FROM audit_records
      WHERE sequence < coalesce((SELECT min(sequence) FROM audit_records WHERE recorded_at >= ${cutoff}), 'infinity'::numeric)
      ORDER BY sequence DESC LIMIT 1`;
    if (!last) return { purged: 0, checkpoint: null };

    const key = keys.active;
    const unsigned = {
      lastPurgedSequence: toSequence(last.sequence),
      lastPurgedHash: last.hash,
      lastPurgedRecordedAt: last.recorded_at,
      createdAt: now,
      keyId: key.id,
    };
    const checkpoint: AuditCheckpoint = { ...unsigned, signature: checkpointSignature(key, unsigned) };
    await tx`
      INSERT INTO audit_checkpoints (last_purged_sequence, last_purged_hash, last_purged_recorded_at, created_at, key_id, signature)
      VALUES (${checkpoint.lastPurgedSequence}, ${checkpoint.lastPurgedHash}, ${checkpoint.lastPurgedRecordedAt},
              ${checkpoint.createdAt}, ${checkpoint.keyId}, ${checkpoint.signature})`;
    await tx`SELECT set_config('careflow.audit_purge', 'on', true)`;
    const deleted = await tx`DELETE FROM audit_records WHERE sequence <= ${checkpoint.lastPurgedSequence}`;
    return { purged: deleted.count, checkpoint };
  });
};
