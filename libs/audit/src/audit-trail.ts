import type { Sql, TransactionSql } from 'postgres';
import type { AuditKeyring } from './keys';
import { checkAuditEntry, genesisHash, recordHash, type AuditEntry, type AuditRecord } from './record';
import { auditColumns, recordOfRow, rowOfRecord, toSequence, type AuditRow } from './rows';

// Every writer of the one chain serialises on this key for the few statements of an append.
export const auditChainLockKey = 'careflow.audit.chain';

export interface AuditTrailOptions {
  readonly sql: Sql;
  readonly keys: AuditKeyring;
  readonly clock?: () => Date;
}

export interface AuditQuery {
  readonly resourceType?: string;
  readonly resourceId?: string;
  readonly userId?: string;
  readonly patientKey?: string;
  /** Only records of these departments; every department when omitted. */
  readonly departments?: readonly string[];
  readonly from?: Date;
  /** Exclusive. */
  readonly to?: Date;
  /** Records after this sequence number, for paging. */
  readonly afterSequence?: number;
  readonly limit?: number;
}

export interface AuditTrail {
  /**
   * Appends one record and answers it once committed. Throws when it cannot: the caller must then
   * fail the request (fail closed), never answer without its audit record. Records that arrive while
   * an append is under way are appended together next, in one transaction (group commit).
   */
  record(entry: AuditEntry): Promise<AuditRecord>;
  search(query: AuditQuery): Promise<readonly AuditRecord[]>;
}

export const maxAuditPage = 1000;

/** Where the chain ends: the newest record, or the last purge's checkpoint, or the beginning. */
export const chainHead = async (tx: TransactionSql | Sql): Promise<{ sequence: number; hash: Buffer }> => {
  const [head] = await tx<{ sequence: string; hash: Buffer }[]>`
    SELECT sequence, hash FROM audit_records
    UNION ALL
    SELECT last_purged_sequence, last_purged_hash FROM audit_checkpoints
    ORDER BY sequence DESC LIMIT 1`;
  return head ? { sequence: toSequence(head.sequence), hash: head.hash } : { sequence: 0, hash: genesisHash };
};

/**
 * At most this many waiting records share one transaction. A failed append refuses all of them (each
 * request fails closed), so the bound also bounds what one fault refuses.
 */
const maxRecordsPerAppend = 100;

interface WaitingRecord {
  readonly entry: AuditEntry;
  readonly resolve: (record: AuditRecord) => void;
  readonly reject: (error: unknown) => void;
}

export const createAuditTrail = (options: AuditTrailOptions): AuditTrail => {
  const clock = options.clock ?? (() => new Date());
  const key = options.keys.active;

  /** One transaction on the chain's lock: the head read once, each record chained to the one before. */
  const append = (entries: readonly AuditEntry[]): Promise<AuditRecord[]> =>
    options.sql.begin(async (tx) => {
      // Pipelined: both are sent at once and run in order, so the head is read by a statement that
      // starts once the lock is held (read committed: each statement sees what committed before it).
      const locked = tx`SELECT pg_advisory_xact_lock(hashtextextended(${auditChainLockKey}, 0))`.execute();
      const [, chainEnd] = await Promise.all([locked, chainHead(tx)]);
      let head = chainEnd;
      const records = entries.map((entry): AuditRecord => {
        const unsigned = { ...entry, sequence: head.sequence + 1, recordedAt: clock(), keyId: key.id };
        const record: AuditRecord = { ...unsigned, previousHash: head.hash, hash: recordHash(key, head.hash, unsigned) };
        head = { sequence: record.sequence, hash: record.hash };
        return record;
      });
      await tx`INSERT INTO audit_records ${tx(records.map(rowOfRecord))}`;
      return records;
    });

  // Under load, requests' records wait for the append under way and go together in the next one: one
  // lock, one head read and one INSERT for many, instead of each waiting its turn on the chain's lock.
  const waiting: WaitingRecord[] = [];
  let appending = false;
  const appendWaiting = async (): Promise<void> => {
    for (let batch = waiting.splice(0, maxRecordsPerAppend); batch.length > 0; batch = waiting.splice(0, maxRecordsPerAppend)) {
      try {
        const records = await append(batch.map(({ entry }) => entry));
        records.forEach((record, index) => batch[index]?.resolve(record));
      } catch (error) {
        for (const { reject } of batch) reject(error);
      }
    }
    appending = false;
  };

  return {
    record: async (entry) => {
      checkAuditEntry(entry);
      return new Promise<AuditRecord>((resolve, reject) => {
        waiting.push({ entry, resolve, reject });
        if (appending) return;
        appending = true;
        void appendWaiting();
      });
    },
    search: async (query) => {
      const limit = Math.min(query.limit ?? 100, maxAuditPage);
      const sql = options.sql;
      const rows = await sql<AuditRow[]>`
        SELECT ${sql.unsafe(auditColumns)} FROM audit_records
        WHERE true
          ${query.resourceType === undefined ? sql`` : sql`AND resource_type = ${query.resourceType}`}
          ${query.resourceId === undefined ? sql`` : sql`AND resource_id = ${query.resourceId}`}
          ${query.userId === undefined ? sql`` : sql`AND user_id = ${query.userId}`}
          ${query.patientKey === undefined ? sql`` : sql`AND patient_key = ${query.patientKey}`}
          ${query.departments === undefined ? sql`` : sql`AND department_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(query.departments)}::text::jsonb))`}
          ${query.from === undefined ? sql`` : sql`AND recorded_at >= ${query.from}`}
          ${query.to === undefined ? sql`` : sql`AND recorded_at < ${query.to}`}
          ${query.afterSequence === undefined ? sql`` : sql`AND sequence > ${query.afterSequence}`}
        ORDER BY sequence
        LIMIT ${limit}`;
      return rows.map(recordOfRow);
    },
  };
};
