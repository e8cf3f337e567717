import type { Sql, TransactionSql } from 'postgres';
import type { AuditKeyring } from './keys';
import { checkAuditEntry, genesisHash, recordHash, type AuditEntry, type AuditRecord } from './record';
import { auditColumns, recordOfRow, toSequence, type AuditRow } from './rows';

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
   * fail the request (fail closed), never answer without its audit record.
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

export const createAuditTrail = (options: AuditTrailOptions): AuditTrail => {
  const clock = options.clock ?? (() => new Date());
  const key = options.keys.active;
  return {
    record: async (entry) => {
      checkAuditEntry(entry);
      return options.sql.begin(async (tx) => {
        await tx`SELECT pg_advisory_xact_lock(hashtextextended(${auditChainLockKey}, 0))`;
        const head = await chainHead(tx);
        const unsigned = { ...entry, sequence: head.sequence + 1, recordedAt: clock(), keyId: key.id };
        const record: AuditRecord = { ...unsigned, previousHash: head.hash, hash: recordHash(key, head.hash, unsigned) };
        await tx`
          INSERT INTO audit_records (${tx.unsafe(auditColumns)})
          VALUES (${record.sequence}, ${record.recordedAt}, ${record.who.userId}, ${record.who.role}, ${record.action},
                  ${record.operation}, ${record.what.resourceType}, ${record.what.resourceId ?? null},
                  ${record.what.patientKey ?? null}, ${record.what.departmentId ?? null}, ${record.where.clientAddress ?? null},
                  ${record.why}, ${record.outcome}, ${record.outcomeReason ?? null}, ${record.requestId ?? null},
                  ${record.keyId}, ${record.previousHash}, ${record.hash})`;
        return record;
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
