export { createAuditTrail, maxAuditPage, type AuditQuery, type AuditTrail, type AuditTrailOptions } from './audit-trail';
export type { AuditCheckpoint } from './checkpoint';
export { auditEnv, defaultRetentionYears } from './config';
export { toFhirAuditBundle, toFhirAuditEvent, type FhirAuditOptions } from './fhir';
export { AuditKeyError, auditKeyring, minAuditKeyBytes, parseAuditKeyring, type AuditKey, type AuditKeyring } from './keys';
export { AuditTrailBrokenError, purgeExpiredAuditRecords, retentionCutoff, type PurgeOptions, type PurgeResult } from './purge';
export {
  auditActions,
  auditOutcomes,
  InvalidAuditEntryError,
  isAuditRole,
  type AuditAction,
  type AuditRole,
  type AuditEntry,
  type AuditOutcome,
  type AuditRecord,
} from './record';
export { verifyAuditTrail, type AuditBreak, type AuditBreakReason, type AuditVerification } from './verifier';
