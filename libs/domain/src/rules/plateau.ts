/**
 * Plateau / maximum medical improvement (CLINICAL-RULES §8): the primary measure moved less than its
 * MCID across two consecutive progress periods while goals are unmet. Detection only raises the
 * question; the clinician decides, and nothing is discharged automatically.
 */
import type { DepartmentSettings } from '../settings';
import { isWithinMcid, type OutcomeMeasure } from './outcome-measures';

export const plateauPeriods = 2;

/**
 * `values`: the primary measure at the start of the chain (baseline or last plateau decision) and at
 * each progress report since, oldest first.
 */
export const isPlateau = (
  measure: OutcomeMeasure,
  values: readonly number[],
  allGoalsMet: boolean,
  settings: DepartmentSettings,
): boolean => {
  if (allGoalsMet || values.length < plateauPeriods + 1) return false;
  const recent = values.slice(-(plateauPeriods + 1));
  return recent.slice(1).every((value, index) => isWithinMcid(measure, recent[index] as number, value, settings));
};

export const plateauDecisions = ['discharge-at-mmi', 're-evaluate-and-revise', 'continue-as-maintenance'] as const;
export type PlateauDecision = (typeof plateauDecisions)[number];
