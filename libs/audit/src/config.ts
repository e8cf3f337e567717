import { z } from 'zod';
import { parseAuditKeyring } from './keys';

/** HIPAA §164.316(b)(2)(i): documentation, the audit trail among it, is kept six years. */
export const defaultRetentionYears = 6;

/** The audit trail's variables; an app that writes or verifies the trail spreads these into its schema. */
export const auditEnv = {
  /** `keyId:base64secret,...`, the active key first; older keys stay to verify older records. */
  AUDIT_HMAC_KEYS: z
    .string()
    .min(1)
    .transform((value, context) => {
      try {
        return parseAuditKeyring(value);
      } catch (error) {
        context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : 'is not a keyring' });
        return z.NEVER;
      }
    }),
  AUDIT_RETENTION_YEARS: z.coerce.number().int().min(defaultRetentionYears).max(100).default(defaultRetentionYears),
};
