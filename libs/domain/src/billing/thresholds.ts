import { DomainError } from '../errors';
import type { TherapyThresholds } from './payers';

/** The patient's therapy charges with this payer so far this calendar year, before the day being billed. */
export interface YearToDateCharges {
  readonly year: number;
  readonly chargesCents: number;
}

/** The thresholds a payer's therapy charges may cross in a year (docs/clinical-rules.md §10). */
export const therapyThresholdKinds = ['kx', 'targeted-medical-review'] as const;
export type TherapyThresholdKind = (typeof therapyThresholdKinds)[number];

/** A day's charges cross a threshold when the year's total was at most the threshold before them and is above it after. */
export const crossesThreshold = (beforeCents: number, afterCents: number, thresholdCents: number): boolean =>
  beforeCents <= thresholdCents && afterCents > thresholdCents;

export interface YearToDateOutcome {
  readonly year: number;
  readonly beforeCents: number;
  readonly afterCents: number;
  /** Absent when the payer has no therapy threshold. */
  readonly kxThresholdCents?: number;
  readonly medicalReviewThresholdCents?: number;
  /** This day's charges took the year-to-date total above the KX threshold. */
  readonly kxCrossed: boolean;
  /** This day's charges took the year-to-date total above the $3,000-type review threshold. */
  readonly medicalReviewCrossed: boolean;
}

/**
 * KX marks the services above the year's threshold: the line that takes the year-to-date total above
 * it (part of its amount lies beyond) and every line after. Returns, per amount in billing order,
 * whether it carries KX, and the year-to-date outcome. A day with nothing billable needs no threshold.
 */
export const applyTherapyThresholds = (
  amountsCents: readonly number[],
  thresholds: TherapyThresholds | undefined,
  yearToDate: YearToDateCharges,
): { kx: boolean[]; outcome: YearToDateOutcome } | DomainError => {
  const beforeCents = yearToDate.chargesCents;
  const afterCents = amountsCents.reduce((sum, amount) => sum + amount, beforeCents);
  if (!thresholds || amountsCents.length === 0) {
    return {
      kx: amountsCents.map(() => false),
      outcome: { year: yearToDate.year, beforeCents, afterCents, kxCrossed: false, medicalReviewCrossed: false },
    };
  }
  const kxThresholdCents = thresholds.kxThresholdCentsByYear[yearToDate.year];
  if (kxThresholdCents === undefined) {
    return new DomainError(
      'KX_THRESHOLD_MISSING',
      `The payer's KX threshold for ${yearToDate.year} is not configured, ` + 'so therapy charges for that year cannot be billed.',
      { year: yearToDate.year },
    );
  }
  let running = beforeCents;
  const kx = amountsCents.map((amount) => {
    running += amount;
    return running > kxThresholdCents;
  });
  const review = thresholds.medicalReviewThresholdCents;
  return {
    kx,
    outcome: {
      year: yearToDate.year,
      beforeCents,
      afterCents,
      kxThresholdCents,
      medicalReviewThresholdCents: review,
      kxCrossed: crossesThreshold(beforeCents, afterCents, kxThresholdCents),
      medicalReviewCrossed: crossesThreshold(beforeCents, afterCents, review),
    },
  };
};
