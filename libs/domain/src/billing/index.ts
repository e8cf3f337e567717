/**
 * Billing rules (docs/clinical-rules.md §10). Functions return a `DomainError` instead of throwing.
 * - `calculateUnits(lines, rule)`: units per code by the CMS 8-minute rule or the per-code midpoint rule.
 * - `findCodePairConflict(lines)`: refuses 97124 and 97140 on the same body region on one day.
 * - `buildDailyCharges(input, payer, yearToDate)`: a day's charge lines with units, prices, 59/GP/KX,
 *   lines kept as not billable, whether the KX or the $3,000-type review threshold was crossed, and the
 *   certification standing (held while awaiting certification).
 * - `crossesThreshold(before, after, threshold)`: whether a day's charges cross a therapy threshold.
 * - `buildClaim(input)`: billable lines on a claim with diagnosis pointers, refusing held charges and
 *   flagging those of a delinquent certification; corrected claims.
 * - `billingRelevantChanges` / `billingRelevantLineChanges` / `requiresCorrectedClaim`: whether an
 *   addendum needs a corrected claim.
 * - `claimNeedsReplacement(billed, rebuilt)`: whether a billed claim must be replaced by a corrected one.
 * - `standingAfterCertification`, `dayCertificationStanding`, `evaluationCertificationStanding`: the
 *   certification standing a day's charges carry.
 * - `defaultPayerSettings`, `medicareLikePayerSettings`, `commercialPayerSettings`: payer settings.
 */
export {
  billingCodes,
  timedCodes,
  untimedCodes,
  isBillingCode,
  isTimedCode,
  isUntimedCode,
  reevaluationCode,
  type BillingCode,
  type TimedCode,
  type UntimedCode,
} from './codes';
export { findCodePairConflict, distinctServiceCode, type RegionedLine } from './code-pairs';
export { calculateUnits, unitsForTimedMinutes, type CodeMinutes, type UnitAssignment, type UnitRule } from './units';
export {
  defaultPayerSettings,
  medicareLikePayerSettings,
  commercialPayerSettings,
  type PayerSettings,
  type ProviderType,
  type TherapyThresholds,
} from './payers';
export { payerSettingsProblem, payerSettingsSchema, providerTypes } from './payer-settings-schema';
export {
  crossesThreshold,
  therapyThresholdKinds,
  type TherapyThresholdKind,
  type YearToDateCharges,
  type YearToDateOutcome,
} from './thresholds';
export {
  buildDailyCharges,
  type ChargeLine,
  type ChargeLineInput,
  type DailyChargeInput,
  type DailyCharges,
  type Modifier,
  type NotBillableReason,
} from './charges';
export { buildClaim, claimNeedsReplacement, type Claim, type ClaimDay, type ClaimInput, type ClaimLine } from './claims';
export { dayCertificationStanding, evaluationCertificationStanding, standingAfterCertification } from './standing';
export {
  billingRelevantChanges,
  billingRelevantLineChanges,
  requiresCorrectedClaim,
  type BillingRelevantField,
  type BillingRelevantLineField,
  type SessionBillingFacts,
} from './corrections';
