/**
 * The pseudonymous patient key that integration events carry instead of any identifier: a keyed
 * hash (HMAC-SHA-256) of the facility id and the MRN, with a secret per facility from configuration.
 * Consumers can total per patient (KX thresholds, every episode of one patient) without learning who
 * the patient is, and without the secret nobody can test a guessed MRN against a key. It lives here,
 * not in libs/contracts, because contracts are bundled into workflows, which may not use node:crypto.
 */
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';

/** Shortest secret accepted: HMAC-SHA-256's block of entropy, so keys cannot be brute-forced. */
export const minPatientKeySecretBytes = 32;

export class PatientKeyError extends Error {
  override readonly name = 'PatientKeyError';
}

/** Derives patient keys; refuses a facility without a configured secret (it never falls back to another's). */
export type PatientKeyring = (facilityId: string, mrn: string) => string;

export const patientKeyring = (secretsByFacility: ReadonlyMap<string, Uint8Array>): PatientKeyring => {
  for (const [facilityId, secret] of secretsByFacility) {
    if (secret.length < minPatientKeySecretBytes) {
      throw new PatientKeyError(`The patient-key secret of facility ${facilityId} is shorter than ${minPatientKeySecretBytes} bytes.`);
    }
  }
  // Key objects made once: building one from the raw secret on every call was most of a key's cost.
  const keys = new Map<string, KeyObject>([...secretsByFacility].map(([facilityId, secret]) => [facilityId, createSecretKey(secret)]));
  return (facilityId, mrn) => {
    const secret = keys.get(facilityId);
    if (secret === undefined) throw new PatientKeyError(`No patient-key secret is configured for facility ${facilityId}.`);
    // JSON of the pair: unambiguous where facility and MRN meet. The MRN is hashed as recorded.
    return createHmac('sha256', secret)
      .update(JSON.stringify([facilityId, mrn]))
      .digest('hex');
  };
};

const facilityEntry = /^([A-Za-z0-9._-]{1,100})=([A-Za-z0-9+/_-]+={0,2})$/;

/**
 * `PATIENT_KEY_SECRETS`: `facility=base64secret` entries separated by commas, one per facility.
 * Parsing never echoes a secret.
 */
export const patientKeyEnv = {
  PATIENT_KEY_SECRETS: z
    .string()
    .min(1)
    .transform((value, context) => {
      const secrets = new Map<string, Uint8Array>();
      for (const entry of value.split(',').map((part) => part.trim())) {
        const match = facilityEntry.exec(entry);
        const [, facilityId, encoded] = match ?? [];
        if (facilityId === undefined || encoded === undefined || secrets.has(facilityId)) {
          context.addIssue({ code: 'custom', message: 'must be facility=base64secret entries, one per facility, separated by commas' });
          return z.NEVER;
        }
        const secret = Buffer.from(encoded, 'base64');
        if (secret.length < minPatientKeySecretBytes) {
          context.addIssue({ code: 'custom', message: `must give each facility a secret of at least ${minPatientKeySecretBytes} bytes` });
          return z.NEVER;
        }
        secrets.set(facilityId, secret);
      }
      return secrets as ReadonlyMap<string, Uint8Array>;
    }),
};
