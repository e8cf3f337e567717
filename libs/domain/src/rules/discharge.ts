/**
 * Discharge (docs/clinical-rules.md §9): a reason, and a summary with outcome measures at discharge against
 * baseline, the status of each goal and the sessions delivered. The summary closes the loop with the
 * referring physician.
 */
import { DomainError, type Refusal } from '../errors';
import type { DepartmentSettings } from '../settings';
import {
  goalStatus,
  improvement,
  mcidOf,
  measureDefinitions,
  type GoalStatus,
  type GoalTarget,
  type Measurement,
  type OutcomeMeasure,
} from './outcome-measures';

export const dischargeReasons = [
  'goals-met',
  'maximum-medical-improvement',
  'patient-request',
  'non-adherence',
  'referred-back',
  'contraindication',
  'other',
] as const;
export type DischargeReason = (typeof dischargeReasons)[number];

export const dischargeReasonRefusal = (reason: DischargeReason, reasonText: string | undefined): Refusal =>
  reason === 'other' && (reasonText ?? '').trim() === ''
    ? new DomainError('INVALID_DISCHARGE_REASON', 'A discharge for an "other" reason needs the reason written out.')
    : undefined;

/**
 * Every measure taken at baseline and every goal's measure must be taken again at discharge, so the
 * summary can compare them and state each goal's status.
 */
export const dischargeMeasuresRefusal = (required: readonly OutcomeMeasure[], atDischarge: readonly Measurement[]): Refusal => {
  const missing = required.find((measure) => !atDischarge.some((m) => m.measure === measure));
  return missing === undefined
    ? undefined
    : new DomainError(
        'DISCHARGE_SUMMARY_INCOMPLETE',
        `The discharge summary needs the ${measureDefinitions[missing].name} measured again at discharge.`,
        { measure: missing },
      );
};

export interface MeasureOutcome {
  readonly measure: OutcomeMeasure;
  readonly baseline: number;
  readonly atDischarge: number;
  /** Positive is better, whichever direction the measure improves in. */
  readonly improvement: number;
  readonly clinicallyImportant: boolean;
}

export interface GoalOutcome {
  readonly goalId: string;
  readonly measure: OutcomeMeasure;
  readonly target: number;
  readonly status: GoalStatus;
}

/**
 * "Goals met" is a claim about every goal, checked against the discharge measures. The refusal names
 * the goals by id: their descriptions are clinical text.
 */
export const goalsMetRefusal = (reason: DischargeReason, goals: readonly GoalOutcome[]): Refusal => {
  if (reason !== 'goals-met') return undefined;
  if (goals.length === 0) {
    return new DomainError('GOALS_NOT_MET', 'The episode has no plan of care goals to have met; choose another discharge reason.');
  }
  const unmet = goals.filter((goal) => goal.status !== 'achieved').map((goal) => goal.goalId);
  return unmet.length === 0
    ? undefined
    : new DomainError(
        'GOALS_NOT_MET',
        `A discharge for goals met needs every goal achieved at the discharge measures; not achieved: ${unmet.join(', ')}. Choose another discharge reason.`,
        { goalIds: unmet.join(',') },
      );
};

export interface DischargeSummary {
  readonly measures: MeasureOutcome[];
  readonly goals: GoalOutcome[];
  readonly sessionsDelivered: number;
  readonly noShows: number;
  readonly cancellations: number;
  readonly narrative?: string;
}

export const buildDischargeSummary = (
  input: {
    baseline: readonly Measurement[];
    atDischarge: readonly Measurement[];
    goals: ReadonlyArray<GoalTarget & { readonly goalId: string }>;
    sessionsDelivered: number;
    noShows: number;
    cancellations: number;
    narrative?: string;
  },
  settings: DepartmentSettings,
): DischargeSummary => {
  const valueAtDischarge = (measure: OutcomeMeasure) => input.atDischarge.find((m) => m.measure === measure)?.value;
  return {
    // Callers check dischargeMeasuresRefusal first; a measure missing here is left out, never invented.
    measures: input.baseline.flatMap((base) => {
      const atDischarge = valueAtDischarge(base.measure);
      if (atDischarge === undefined) return [];
      const change = improvement(base.measure, base.value, atDischarge);
      return [
        {
          measure: base.measure,
          baseline: base.value,
          atDischarge,
          improvement: change,
          clinicallyImportant: change >= mcidOf(base.measure, settings),
        },
      ];
    }),
    goals: input.goals.flatMap((goal) => {
      const value = valueAtDischarge(goal.measure);
      return value === undefined
        ? []
        : [{ goalId: goal.goalId, measure: goal.measure, target: goal.target, status: goalStatus(goal, value, settings) }];
    }),
    sessionsDelivered: input.sessionsDelivered,
    noShows: input.noShows,
    cancellations: input.cancellations,
    ...(input.narrative === undefined ? {} : { narrative: input.narrative }),
  };
};
