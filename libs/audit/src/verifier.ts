import type { Sql, TransactionSql } from 'postgres';
import { checkpointSignature, type AuditCheckpoint } from './checkpoint';
import { sameDigest, type AuditKeyring } from './keys';
import { genesisHash, recordHash } from './record';
import { auditColumns, recordOfRow, toSequence, type AuditRow } from './rows';

export type AuditBreakReason =
  /** The record's HMAC does not match its content: changed after writing, or inserted without the key. */
  | 'hash-mismatch'
  /** Its previous hash is not the hash of the record before it: records were replaced or reordered. */
  | 'chain-broken'
  /** A sequence number is missing: a record was deleted. */
  | 'record-missing'
  /** Signed with a key the configuration does not hold. */
  | 'unknown-key'
  /** The newest purge checkpoint's signature does not match: the resumption point was forged. */
  | 'checkpoint-forged';

export interface AuditBreak {
  /** The first record at fault (for a forged checkpoint, the sequence it claims). */
  readonly sequence: number;
  readonly reason: AuditBreakReason;
}

export interface AuditVerification {
  readonly recordsChecked: number;
  /** The newest purge checkpoint the chain resumes from, if any. */
  readonly resumedAfterSequence: number;
  /** The first broken record; nothing after it can be trusted. Null when the whole trail verifies. */
  readonly firstBreak: AuditBreak | null;
}

interface CheckpointRow {
  readonly last_purged_sequence: string;
  readonly last_purged_hash: Buffer;
  readonly last_purged_recorded_at: Date;
  readonly created_at: Date;
  readonly key_id: string;
  readonly signature: Buffer;
}

export const latestCheckpoint = async (sql: Sql | TransactionSql): Promise<AuditCheckpoint | null> => {
  const [row] = await sql<CheckpointRow[]>`
    SELECT last_purged_sequence, last_purged_hash, last_purged_recorded_at, created_at, key_id, signature
    FROM audit_checkpoints ORDER BY last_purged_sequence DESC LIMIT 1`;
  return row
    ? {
        lastPurgedSequence: toSequence(row.last_purged_sequence),
        lastPurgedHash: row.last_purged_hash,
        lastPurgedRecordedAt: row.last_purged_recorded_at,
        createdAt: row.created_at,
        keyId: row.key_id,
        signature: row.signature,
      }
    : null;
};

/**
 * Walks the whole trail in sequence order from the newest purge checkpoint, recomputing every HMAC
 * with the configured keys, and names the first record that does not verify. Needs only SELECT.
 */
export const verifyAuditTrail = async (
  sql: Sql | TransactionSql,
  keys: AuditKeyring,
  options: { readonly batchSize?: number } = {},
): Promise<AuditVerification> => {
  const batchSize = options.batchSize ?? 1000;
  const checkpoint = await latestCheckpoint(sql);
  const resumedAfterSequence = checkpoint?.lastPurgedSequence ?? 0;
  let expectedSequence = resumedAfterSequence + 1;
  let previousHash = checkpoint?.lastPurgedHash ?? genesisHash;
  let recordsChecked = 0;
  const result = (firstBreak: AuditBreak | null): AuditVerification => ({ recordsChecked, resumedAfterSequence, firstBreak });

  if (checkpoint) {
    const key = keys.byId.get(checkpoint.keyId);
    const { signature, ...signed } = checkpoint;
    if (!key || !sameDigest(signature, checkpointSignature(key, signed))) {
      return result({ sequence: checkpoint.lastPurgedSequence, reason: 'checkpoint-forged' });
    }
  }

  for (;;) {
    const rows = await sql<AuditRow[]>`
      SELECT ${sql.unsafe(auditColumns)} FROM audit_records
      WHERE sequence >= ${expectedSequence} ORDER BY sequence LIMIT ${batchSize}`;
    for (const row of rows) {
      const { hash, previousHash: storedPrevious, ...content } = recordOfRow(row);
      if (content.sequence !== expectedSequence) return result({ sequence: expectedSequence, reason: 'record-missing' });
      const key = keys.byId.get(content.keyId);
      if (!key) return result({ sequence: content.sequence, reason: 'unknown-key' });
      if (!sameDigest(storedPrevious, previousHash)) return result({ sequence: content.sequence, reason: 'chain-broken' });
      if (!sameDigest(hash, recordHash(key, storedPrevious, content)))
        return result({ sequence: content.sequence, reason: 'hash-mismatch' });
      recordsChecked += 1;
      expectedSequence += 1;
      previousHash = hash;
    }
    if (rows.length < batchSize) return result(null);
  }
};
