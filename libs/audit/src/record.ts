import { isStaffRole, purposesOfUse, type PurposeOfUse, type StaffRole } from '@careflow/auth';
import { patientKeySchema } from '@careflow/contracts';
import { hmac, type AuditKey } from './keys';

export const auditActions = ['create', 'read', 'update', 'delete', 'execute'] as const;
/** FHIR AuditEvent.action: C, R, U, D, E. */
export type AuditAction = (typeof auditActions)[number];

export const auditOutcomes = ['success', 'denied', 'error'] as const;
export type AuditOutcome = (typeof auditOutcomes)[number];

/**
 * Who may appear in a record: a person's staff role, or `ehr-feed`, the hospital's interface engine
 * whose service identity sends referrals over Kafka (docs/api.md).
 */
export type AuditRole = StaffRole | 'ehr-feed';

export const isAuditRole = (value: unknown): value is AuditRole => value === 'ehr-feed' || isStaffRole(value);

/** One access to PHI, or one attempt, as the API reports it. */
export interface AuditEntry {
  /** Null only when the caller could not be identified (a refused token). */
  readonly who: { readonly userId: string | null; readonly role: AuditRole | null };
  readonly what: {
    /** Careflow's name for the kind of object: episode, claim, audit-trail, settings... */
    readonly resourceType: string;
    readonly resourceId?: string;
    /** The pseudonymous patient key integration events carry (64 hex digits), never an MRN or a name. */
    readonly patientKey?: string;
    readonly departmentId?: string;
  };
  readonly action: AuditAction;
  /** The permission table's operation, e.g. `episode:read` or `command:RecordSession`. */
  readonly operation: string;
  readonly where: { readonly clientAddress?: string };
  readonly why: PurposeOfUse | null;
  readonly outcome: AuditOutcome;
  /** A code such as ROLE_NOT_PERMITTED or token-expired; never free text. */
  readonly outcomeReason?: string;
  /** Correlates the record with the request's log lines. */
  readonly requestId?: string;
}

export interface AuditRecord extends AuditEntry {
  readonly sequence: number;
  readonly recordedAt: Date;
  readonly keyId: string;
  readonly previousHash: Buffer;
  readonly hash: Buffer;
}

/** The first record's previous hash. */
export const genesisHash: Buffer = Buffer.alloc(32);

/** An entry the trail cannot store as given; the message names the field, never its value. */
export class InvalidAuditEntryError extends Error {
  override readonly name = 'InvalidAuditEntryError';
}

const maxFieldLength = 200;
// Codes and ids only: no spaces, so free text (and the PHI it may carry) has no way in.
const codePattern = /^[A-Za-z0-9._:/@+-]+$/;

const checkCode = (field: string, value: string | null | undefined): void => {
  if (value === null || value === undefined) return;
  if (value.length === 0 || value.length > maxFieldLength || !codePattern.test(value)) {
    throw new InvalidAuditEntryError(
      `the audit field ${field} must be an id or code of at most ${maxFieldLength} characters without spaces`,
    );
  }
};

/** Refuses what the trail must not hold, before anything is written. */
export const checkAuditEntry = (entry: AuditEntry): void => {
  if ((entry.who.userId === null) !== (entry.who.role === null)) {
    throw new InvalidAuditEntryError('the audit record names a user and a role together, or neither');
  }
  if (entry.who.role !== null && !isAuditRole(entry.who.role))
    throw new InvalidAuditEntryError('the audit field who.role is not a staff role or the EHR feed');
  if (entry.who.userId === null && entry.outcome === 'success') {
    throw new InvalidAuditEntryError('a successful access always has a known user');
  }
  if (!(auditActions as readonly string[]).includes(entry.action)) throw new InvalidAuditEntryError('the audit field action is not known');
  if (!(auditOutcomes as readonly string[]).includes(entry.outcome))
    throw new InvalidAuditEntryError('the audit field outcome is not known');
  if (entry.why !== null && !(purposesOfUse as readonly string[]).includes(entry.why)) {
    throw new InvalidAuditEntryError('the audit field why is not a purpose of use');
  }
  if (entry.what.patientKey !== undefined && !patientKeySchema.safeParse(entry.what.patientKey).success) {
    throw new InvalidAuditEntryError('the audit field what.patientKey must be the pseudonymous patient key (64 hex digits)');
  }
  checkCode('who.userId', entry.who.userId);
  checkCode('what.resourceType', entry.what.resourceType);
  checkCode('what.resourceId', entry.what.resourceId);
  checkCode('what.departmentId', entry.what.departmentId);
  checkCode('operation', entry.operation);
  checkCode('where.clientAddress', entry.where.clientAddress);
  checkCode('outcomeReason', entry.outcomeReason);
  checkCode('requestId', entry.requestId);
};

/**
 * The bytes the HMAC covers: every stored field but the hashes, in a fixed order, absent ones as null.
 *   hash = HMAC-SHA-256(key, previous hash ‖ this JSON)
 */
export const chainedContent = (record: Omit<AuditRecord, 'previousHash' | 'hash'>): string =>
  JSON.stringify([
    record.sequence,
    record.recordedAt.toISOString(),
    record.keyId,
    record.who.userId,
    record.who.role,
    record.action,
    record.operation,
    record.what.resourceType,
    record.what.resourceId ?? null,
    record.what.patientKey ?? null,
    record.what.departmentId ?? null,
    record.where.clientAddress ?? null,
    record.why,
    record.outcome,
    record.outcomeReason ?? null,
    record.requestId ?? null,
  ]);

export const recordHash = (key: AuditKey, previousHash: Uint8Array, record: Omit<AuditRecord, 'previousHash' | 'hash'>): Buffer =>
  hmac(key, previousHash, chainedContent(record));
