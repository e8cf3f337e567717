/**
 * Plateau / maximum medical improvement (docs/clinical-rules.md §8): the primary measure moved less than its
 * MCID across two consecutive progress periods while goals are unmet. Detection only raises the
 * question; the clinician decides, and nothing is discharged automatically, but no further session
 * is documented until the decision is recorded.
 */
import { DomainError, type Refusal } from '../errors';
import type { DepartmentSettings } from '../settings';
import { isWithinMcid, type OutcomeMeasure } from './outcome-measures';

const plateauPeriods = 2;

/**
 * `values`: the primary measure at the start of the chain (baseline or last plateau decision) and at
 * each progress report since, oldest first.
 *
 * The change is taken across the two periods together: from the score that opened the earlier period
 * to the score that closed the later one. Less than the MCID either way is a plateau, so two periods
 * that each moved a little but together reach the MCID are progress, not a plateau.
 */
export const isPlateau = (
  measure: OutcomeMeasure,
  values: readonly number[],
  allGoalsMet: boolean,
  settings: DepartmentSettings,
): boolean => {
  // With fewer than plateauPeriods + 1 values there is no score to open the window: no plateau yet.
  const openedAt = values[values.length - 1 - plateauPeriods];
  const closedAt = values[values.length - 1];
  if (allGoalsMet || openedAt === undefined || closedAt === undefined) return false;
  return isWithinMcid(measure, openedAt, closedAt, settings);
};

export const plateauDecisions = ['discharge-at-mmi', 're-evaluate-and-revise', 'continue-as-maintenance'] as const;
export type PlateauDecision = (typeof plateauDecisions)[number];

/** A detected plateau waits for the clinician's decision before care goes on. */
export const plateauDecisionRefusal = (plateauPending: boolean): Refusal =>
  plateauPending
    ? new DomainError(
        'PLATEAU_DECISION_REQUIRED',
        'Progress has plateaued; record the decision (discharge at maximum medical improvement, re-evaluate and revise the plan, or continue as maintenance with a written justification) before the next session.',
      )
    : undefined;
