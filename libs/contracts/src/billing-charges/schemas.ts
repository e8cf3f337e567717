/**
 * The published language of `careflow.billing-charges.v1`, for the hospital's revenue-cycle system
 * (docs/billing.md): a day's charge set each time it changes, and each version of a claim. Ids, codes,
 * dates, units and cents only: the patient is the pseudonymous patient key; the subscriber's member id
 * and demographics are never on the topic (the claim is rendered with them on request).
 */
import { z } from 'zod';
import { billingCodes, certificationStandings } from '@careflow/domain';
import { cents, code, count, id, isoDate, listOf, oneOf, record } from '../integration-events/fields';
import { patientKeySchema } from '../integration-events/schemas';

const billingCode = oneOf(billingCodes);
const modifier = oneOf(['59', 'GP', 'KX']);
const providerType = oneOf([
  'licensed-massage-therapist',
  'physical-therapist',
  'physical-therapist-assistant',
  'occupational-therapist',
  'physician',
]);

const chargeLine = record({
  code: billingCode,
  minutes: count,
  units: count,
  bodyRegions: listOf(code),
  diagnosisCodes: listOf(code),
  modifiers: listOf(modifier),
  billable: z.boolean(),
  notBillableReason: oneOf(['below-minimum-minutes', 'provider-not-eligible']).optional(),
  unitPriceCents: cents,
  amountCents: cents,
});

const claimLine = record({
  serviceDate: isoDate,
  code: billingCode,
  units: count,
  modifiers: listOf(modifier),
  diagnosisPointers: listOf(z.int().min(1).max(12), { max: 4 }),
  chargeCents: cents,
  certificationDelinquent: z.boolean(),
});

/** What every billing message carries: the episode, the patient key, the payer. */
const envelope = { episodeId: id, patientKey: patientKeySchema, payerId: id, departmentId: id.optional() };

const v1 = {
  /** The current charges of one episode and day of service; `version` counts its corrections. */
  ChargeSetChanged: record({
    ...envelope,
    serviceDate: isoDate,
    version: z.int().min(1),
    therapistId: id.optional(),
    providerType,
    lines: listOf(chargeLine),
    billedUnits: count,
    amountCents: cents,
    yearToDateBeforeCents: cents,
    certificationStanding: oneOf(certificationStandings),
    held: z.boolean(),
    flagged: z.boolean(),
    notesSigned: z.boolean(),
    kxCrossed: z.boolean(),
    reviewCrossed: z.boolean(),
    /** The domain's refusal code when the day cannot be charged; the lines are empty then. */
    problem: code.optional(),
  }),
  /** One version of the claim of an episode and payer: 1 original, 7 replacement (837P CLM05-3). */
  ClaimIssued: record({
    ...envelope,
    claimId: id,
    version: z.int().min(1),
    frequencyCode: oneOf(['1', '7']),
    replacesClaimId: id.optional(),
    originalClaimId: id,
    diagnosisCodes: listOf(code, { min: 1, max: 12 }),
    lines: listOf(claimLine, { min: 1 }),
    totalChargeCents: cents,
  }),
};

export const billingEventSchemas = {
  ChargeSetChanged: { 1: v1.ChargeSetChanged },
  ClaimIssued: { 1: v1.ClaimIssued },
} as const;

export const currentBillingEventVersions = { ChargeSetChanged: 1, ClaimIssued: 1 } as const;

export type BillingEventType = keyof typeof billingEventSchemas;
export const billingEventTypes = Object.keys(billingEventSchemas) as BillingEventType[];

export type BillingEventData<T extends BillingEventType> = z.infer<
  (typeof billingEventSchemas)[T][(typeof currentBillingEventVersions)[T]]
>;
export type ChargeSetChanged = BillingEventData<'ChargeSetChanged'>;
export type ClaimIssued = BillingEventData<'ClaimIssued'>;
