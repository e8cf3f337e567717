/**
 * CPT codes a clinical massage episode bills (docs/clinical-rules.md §10). Timed codes are billed in
 * 15-minute units; evaluation codes are untimed and their minutes never count as timed minutes.
 */
export const timedCodes = ['97124', '97140', '97112', '97530'] as const;
export const untimedCodes = ['97161', '97162', '97163', '97164'] as const;
export const billingCodes = [...timedCodes, ...untimedCodes] as const;

/** 97124 massage, 97140 manual therapy, 97112 neuromuscular re-education, 97530 therapeutic activities. */
export type TimedCode = (typeof timedCodes)[number];
/** 97161–97163 evaluation (low, moderate, high complexity), 97164 re-evaluation. */
export type UntimedCode = (typeof untimedCodes)[number];
export type BillingCode = TimedCode | UntimedCode;

/** The code of a re-evaluation billed as such (docs/clinical-rules.md §10). */
export const reevaluationCode = '97164' satisfies UntimedCode;

export const isBillingCode = (value: unknown): value is BillingCode => billingCodes.some((code) => code === value);

export const isTimedCode = (code: BillingCode): code is TimedCode => timedCodes.some((timed) => timed === code);

export const isUntimedCode = (code: BillingCode): code is UntimedCode => !isTimedCode(code);
