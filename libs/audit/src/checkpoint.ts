import { hmac, type AuditKey } from './keys';

/** Where the chain resumes after a purge, signed with the audit key so it cannot be moved or invented. */
export interface AuditCheckpoint {
  readonly lastPurgedSequence: number;
  readonly lastPurgedHash: Buffer;
  readonly lastPurgedRecordedAt: Date;
  readonly createdAt: Date;
  readonly keyId: string;
  readonly signature: Buffer;
}

export const checkpointSignature = (key: AuditKey, checkpoint: Omit<AuditCheckpoint, 'signature'>): Buffer =>
  hmac(
    key,
    JSON.stringify([
      'careflow audit checkpoint',
      checkpoint.lastPurgedSequence,
      checkpoint.lastPurgedHash.toString('hex'),
      checkpoint.lastPurgedRecordedAt.toISOString(),
      checkpoint.createdAt.toISOString(),
      checkpoint.keyId,
    ]),
  );
