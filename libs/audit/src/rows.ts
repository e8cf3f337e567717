import type { PurposeOfUse } from '@careflow/auth';
import type { AuditAction, AuditOutcome, AuditRecord, AuditRole } from './record';

/** An audit_records row as Postgres.js hands it back (int8 as text). */
export interface AuditRow {
  readonly sequence: string;
  readonly recorded_at: Date;
  readonly user_id: string | null;
  readonly user_role: string | null;
  readonly action: string;
  readonly operation: string;
  readonly resource_type: string;
  readonly resource_id: string | null;
  readonly patient_key: string | null;
  readonly department_id: string | null;
  readonly client_address: string | null;
  readonly purpose_of_use: string | null;
  readonly outcome: string;
  readonly outcome_reason: string | null;
  readonly request_id: string | null;
  readonly key_id: string;
  readonly previous_hash: Buffer;
  readonly hash: Buffer;
}

export const toSequence = (value: string | number): number => {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new RangeError('an audit sequence number is beyond 2^53');
  return number;
};

const present = <T>(value: T | null): T | undefined => (value === null ? undefined : value);

/** The row as a record; the database's CHECK constraints keep action, outcome and purpose in their sets. */
export const recordOfRow = (row: AuditRow): AuditRecord => {
  const resourceId = present(row.resource_id);
  const patientKey = present(row.patient_key);
  const departmentId = present(row.department_id);
  const clientAddress = present(row.client_address);
  const outcomeReason = present(row.outcome_reason);
  const requestId = present(row.request_id);
  return {
    sequence: toSequence(row.sequence),
    recordedAt: row.recorded_at,
    who: { userId: row.user_id, role: row.user_role as AuditRole | null },
    what: {
      resourceType: row.resource_type,
      ...(resourceId === undefined ? {} : { resourceId }),
      ...(patientKey === undefined ? {} : { patientKey }),
      ...(departmentId === undefined ? {} : { departmentId }),
    },
    action: row.action as AuditAction,
    operation: row.operation,
    where: clientAddress === undefined ? {} : { clientAddress },
    why: row.purpose_of_use as PurposeOfUse | null,
    outcome: row.outcome as AuditOutcome,
    ...(outcomeReason === undefined ? {} : { outcomeReason }),
    ...(requestId === undefined ? {} : { requestId }),
    keyId: row.key_id,
    previousHash: row.previous_hash,
    hash: row.hash,
  };
};

export const auditColumns = `sequence, recorded_at, user_id, user_role, action, operation, resource_type, resource_id,
  patient_key, department_id, client_address, purpose_of_use, outcome, outcome_reason, request_id, key_id,
  previous_hash, hash`;

/** A record as the row it is inserted as (sequence as a number; Postgres.js writes it to int8). */
export const rowOfRecord = (record: AuditRecord): Omit<AuditRow, 'sequence'> & { readonly sequence: number } => ({
  sequence: record.sequence,
  recorded_at: record.recordedAt,
  user_id: record.who.userId,
  user_role: record.who.role,
  action: record.action,
  operation: record.operation,
  resource_type: record.what.resourceType,
  resource_id: record.what.resourceId ?? null,
  patient_key: record.what.patientKey ?? null,
  department_id: record.what.departmentId ?? null,
  client_address: record.where.clientAddress ?? null,
  purpose_of_use: record.why,
  outcome: record.outcome,
  outcome_reason: record.outcomeReason ?? null,
  request_id: record.requestId ?? null,
  key_id: record.keyId,
  previous_hash: record.previousHash,
  hash: record.hash,
});
