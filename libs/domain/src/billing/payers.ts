import { billingCodes, timedCodes, type BillingCode } from './codes';
import type { UnitRule } from './units';

/** Who renders the service; payers decide which of them may bill which codes. */
export type ProviderType =
  'licensed-massage-therapist' | 'physical-therapist' | 'physical-therapist-assistant' | 'occupational-therapist' | 'physician';

/** Medicare-type therapy thresholds, in integer cents. */
export interface TherapyThresholds {
  /** KX threshold per calendar year, e.g. { 2025: 241000 }. A year without a value cannot be billed. */
  readonly kxThresholdCentsByYear: Readonly<Record<number, number>>;
  /** Year-to-date charges above this flag the episode for targeted medical review. */
  readonly medicalReviewThresholdCents: number;
}

/** A payer's billing rules (docs/clinical-rules.md §10); money in integer cents, never floats. */
export interface PayerSettings {
  readonly unitRule: UnitRule;
  /** Modifier GP on services under a therapy plan of care. */
  readonly requiresGpModifier: boolean;
  /** Absent for payers without a therapy threshold (no KX, no targeted review). */
  readonly therapyThresholds?: TherapyThresholds;
  /** Codes each provider type may bill; a provider type not listed may bill nothing. */
  readonly billableCodesByProviderType: Readonly<Partial<Record<ProviderType, readonly BillingCode[]>>>;
  /** Price of one unit of each code. */
  readonly feeScheduleCents: Readonly<Partial<Record<BillingCode, number>>>;
}

/** Medicare's KX thresholds (CMS annual notices); a department adds each new year's value. */
const medicareTherapyThresholds: TherapyThresholds = {
  kxThresholdCentsByYear: { 2023: 223_000, 2024: 233_000, 2025: 241_000 },
  medicalReviewThresholdCents: 300_000,
};

/**
 * Medicare does not recognize licensed massage therapists as therapy providers; physical therapist
 * assistants may not bill evaluations.
 */
const medicareProviderCodes: PayerSettings['billableCodesByProviderType'] = {
  'physical-therapist': billingCodes,
  'occupational-therapist': billingCodes,
  physician: billingCodes,
  'physical-therapist-assistant': timedCodes,
};

/**
 * The rules page's defaults: 8-minute rule, GP, KX and review thresholds, Medicare's provider
 * eligibility. The fee schedule is the payer contract's and has no default: configure it.
 */
export const defaultPayerSettings: PayerSettings = {
  unitRule: 'cms-8-minute',
  requiresGpModifier: true,
  therapyThresholds: medicareTherapyThresholds,
  billableCodesByProviderType: medicareProviderCodes,
  feeScheduleCents: {},
};

/** Example Medicare-type payer, with illustrative prices. */
export const medicareLikePayerSettings: PayerSettings = {
  ...defaultPayerSettings,
  feeScheduleCents: {
    '97124': 3_162,
    '97140': 2_837,
    '97112': 3_244,
    '97530': 3_650,
    '97161': 10_212,
    '97162': 10_212,
    '97163': 10_212,
    '97164': 6_998,
  },
};

/** Example commercial payer: per-code midpoint rule, no GP or KX, massage therapists may bill massage and manual therapy. */
export const commercialPayerSettings: PayerSettings = {
  unitRule: 'per-code-midpoint',
  requiresGpModifier: false,
  billableCodesByProviderType: {
    ...medicareProviderCodes,
    'licensed-massage-therapist': ['97124', '97140'],
  },
  feeScheduleCents: {
    '97124': 4_500,
    '97140': 4_200,
    '97112': 4_600,
    '97530': 4_800,
    '97161': 14_000,
    '97162': 14_000,
    '97163': 14_000,
    '97164': 9_500,
  },
};
