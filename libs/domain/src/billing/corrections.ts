import type { IsoDate } from '../calendar';
import { mergeByCode, type ChargeLineInput } from './charges';

/** What of a session a claim depends on. */
export interface SessionBillingFacts {
  readonly serviceDate: IsoDate;
  readonly renderingTherapistId: string;
  readonly lines: readonly ChargeLineInput[];
}

const billingRelevantLineFields = ['codes', 'minutes', 'bodyRegions', 'diagnoses'] as const;
export type BillingRelevantLineField = (typeof billingRelevantLineFields)[number];
export type BillingRelevantField = 'serviceDate' | 'renderingTherapist' | BillingRelevantLineField;

const sortedKey = (values: readonly string[]): string => [...new Set(values.map((value) => value.trim().toUpperCase()))].sort().join('|');

/**
 * What a correction changed in the lines a claim is built from: codes, minutes per code (they
 * decide units), body regions (they decide the 97124/97140 rule and modifier 59) and diagnoses.
 * Lines are compared per code, as they are billed; order and repeated lines do not matter.
 */
export const billingRelevantLineChanges = (
  before: readonly ChargeLineInput[],
  after: readonly ChargeLineInput[],
): BillingRelevantLineField[] => {
  const was = new Map(mergeByCode(before).map((line) => [line.code, line]));
  const now = mergeByCode(after);
  const common = now.flatMap((line) => {
    const previous = was.get(line.code);
    return previous ? [{ previous, line }] : [];
  });
  const changed: Record<BillingRelevantLineField, boolean> = {
    codes: sortedKey([...was.keys()]) !== sortedKey(now.map((line) => line.code)),
    minutes: common.some(({ previous, line }) => previous.minutes !== line.minutes),
    bodyRegions: common.some(({ previous, line }) => sortedKey(previous.bodyRegions) !== sortedKey(line.bodyRegions)),
    diagnoses: common.some(({ previous, line }) => sortedKey(previous.diagnosisCodes) !== sortedKey(line.diagnosisCodes)),
  };
  return billingRelevantLineFields.filter((field) => changed[field]);
};

/**
 * The billing-relevant fields of a session an addendum changed (docs/clinical-rules.md §7, §10): date of
 * service, rendering therapist and the lines. Empty when the claim is unaffected.
 */
export const billingRelevantChanges = (before: SessionBillingFacts, after: SessionBillingFacts): BillingRelevantField[] => [
  ...(before.serviceDate === after.serviceDate ? [] : (['serviceDate'] as const)),
  ...(before.renderingTherapistId === after.renderingTherapistId ? [] : (['renderingTherapist'] as const)),
  ...billingRelevantLineChanges(before.lines, after.lines),
];

/** A billed session whose billing-relevant facts changed must be billed again on a corrected claim. */
export const requiresCorrectedClaim = (billed: boolean, before: SessionBillingFacts, after: SessionBillingFacts): boolean =>
  billed && billingRelevantChanges(before, after).length > 0;
