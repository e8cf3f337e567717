/**
 * A refusal by a clinical, billing or routing rule. `code` is stable (clients switch on it);
 * `message` names the rule in words a therapist understands and never carries PHI.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: Readonly<Record<string, string | number | boolean>> = {},
  ) {
    super(message);
  }
}

export const isDomainError = (value: unknown): value is DomainError => value instanceof DomainError;

/** Result of a rule check: either fine, or the refusal. Lets `decide` return errors instead of throwing. */
export type Refusal = DomainError | undefined;

/**
 * Every refusal code in one list, so callers (API, workflow, consumers) can rely on a closed set.
 * Add new codes here rather than inventing strings at the call site.
 */
export const domainErrorCodes = [
  'INVALID_COMMAND',
  'INVALID_REFERRAL',
  'INVALID_NPI',
  'INVALID_DIAGNOSIS_CODE',
  'REFERRAL_DATE_IN_FUTURE',
  'REFERRAL_EXPIRED',
  'EPISODE_CLOSED',
  'EPISODE_NOT_STARTED',
  'EPISODE_ALREADY_STARTED',
  'INVALID_STATUS_TRANSITION',
  'OUT_OF_ORDER',
  'OFFER_NOT_PENDING',
  'NOT_OFFERED_THERAPIST',
  'INTAKE_REQUIRED',
  'ASSESSMENT_REQUIRED',
  'OUTCOME_MEASURE_REQUIRED',
  'OUTCOME_MEASURE_OUT_OF_RANGE',
  'PLAN_OF_CARE_REQUIRED',
  'INVALID_PLAN_OF_CARE',
  'CERTIFIER_NOT_QUALIFIED',
  'CERTIFICATION_REQUIRED',
  'CERTIFICATION_EXPIRED',
  'RECERTIFICATION_REQUIRED',
  'VERBAL_ORDER_NOT_PENDING',
  'CLEARANCE_REQUIRED',
  'CLEARANCE_NOT_REQUESTED',
  'EPISODE_ON_HOLD',
  'TECHNIQUE_RESTRICTED',
  'LICENSE_EXPIRED',
  'AUTHORIZATION_EXHAUSTED',
  'AUTHORIZATION_EXPIRED',
  'PROGRESS_REPORT_OVERDUE',
  'PROGRESS_REPORT_NOT_DUE',
  'SESSION_NOT_FOUND',
  'SESSION_NOT_IN_PROGRESS',
  'SESSION_NOT_PAUSED',
  'SESSION_ALREADY_SIGNED',
  'SESSION_NOT_SIGNED',
  'NOTE_LOCKED',
  'INVALID_SESSION',
  'REEVALUATION_REASON_REQUIRED',
  'NO_PLATEAU_PENDING',
  'PLATEAU_DECISION_REQUIRED',
  'JUSTIFICATION_REQUIRED',
  'DISCHARGE_SUMMARY_INCOMPLETE',
  'INVALID_DISCHARGE_REASON',
  'GOALS_NOT_MET',
  'CODE_PAIR_SAME_REGION',
  'INVALID_BILLING_INPUT',
  'TOO_MANY_DIAGNOSES',
  'FEE_SCHEDULE_MISSING',
  'KX_THRESHOLD_MISSING',
  'TOO_MANY_DIAGNOSIS_POINTERS',
  // care episode
  'DUPLICATE_ID',
  'CONTRAINDICATION_NOT_FOUND',
  'TECHNIQUE_NOT_IN_PLAN',
  'SESSION_PAUSED',
  'DEADLINE_NOT_PENDING',
  'DEADLINE_NOT_REACHED',
  'ROLE_NOT_PERMITTED',
  'SYSTEM_ONLY_COMMAND',
  'IMPLAUSIBLE_COMMAND_TIME',
  'INVALID_SETTINGS',
] as const;

export type DomainErrorCode = (typeof domainErrorCodes)[number];
