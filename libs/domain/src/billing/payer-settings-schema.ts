/**
 * The bounds a payer's settings (payers.ts PayerSettings) must keep when an admin stores them: the
 * known unit rules, codes and provider types, and money in whole cents within a payer contract's range.
 */
import { z } from 'zod';
import { billingCodes } from './codes';
import { boolean, firstProblem, integer, list, oneOf, record } from '../validation';
import type { ProviderType } from './payers';

export const providerTypes = [
  'licensed-massage-therapist',
  'physical-therapist',
  'physical-therapist-assistant',
  'occupational-therapist',
  'physician',
] as const satisfies readonly ProviderType[];

const cents = integer(0, 100_000_000);
const yearPhrase = 'must be a calendar year (YYYY)';

export const payerSettingsSchema = record({
  unitRule: oneOf(['cms-8-minute', 'per-code-midpoint']),
  requiresGpModifier: boolean,
  therapyThresholds: record({
    kxThresholdCentsByYear: z.record(z.string().regex(/^\d{4}$/), cents, {
      error: (issue) => (issue.code === 'invalid_key' ? yearPhrase : 'must be an object'),
    }),
    medicalReviewThresholdCents: cents,
  }).optional(),
  billableCodesByProviderType: z.partialRecord(oneOf(providerTypes), list(oneOf(billingCodes), { max: billingCodes.length }), {
    error: 'must be an object',
  }),
  feeScheduleCents: z.partialRecord(oneOf(billingCodes), cents, { error: 'must be an object' }),
});

/** The first problem with a payer's settings ("settings.feeScheduleCents.97124 must be …"), or undefined. */
export const payerSettingsProblem = (value: unknown): string | undefined => {
  const parsed = payerSettingsSchema.safeParse(value);
  return parsed.success ? undefined : firstProblem(parsed.error, 'settings');
};
