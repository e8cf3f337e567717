/** Standardized outcome measures, their MCID and goal status (docs/clinical-rules.md §5). */
import type { z } from 'zod';
import { DomainError, type Refusal } from '../errors';
import type { DepartmentSettings } from '../settings';
import { decimal, list, oneOf, record } from '../validation';

export const outcomeMeasures = ['NPRS', 'ODI', 'NDI', 'PSFS'] as const;
export type OutcomeMeasure = (typeof outcomeMeasures)[number];

export interface MeasureDefinition {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly betterWhen: 'lower' | 'higher';
}

export const measureDefinitions: Readonly<Record<OutcomeMeasure, MeasureDefinition>> = {
  NPRS: { name: 'pain rating (NPRS)', min: 0, max: 10, betterWhen: 'lower' },
  ODI: { name: 'Oswestry Disability Index (ODI)', min: 0, max: 100, betterWhen: 'lower' },
  NDI: { name: 'Neck Disability Index (NDI)', min: 0, max: 50, betterWhen: 'lower' },
  PSFS: { name: 'Patient-Specific Functional Scale (PSFS)', min: 0, max: 10, betterWhen: 'higher' },
};

/** NPRS and PSFS have fixed MCIDs; ODI and NDI follow the department's setting. */
export const mcidOf = (measure: OutcomeMeasure, settings: DepartmentSettings): number => {
  switch (measure) {
    case 'NPRS':
    case 'PSFS':
      return 2;
    case 'ODI':
      return settings.mcid.ODI;
    case 'NDI':
      return settings.mcid.NDI;
  }
};

export const measurementSchema = record({ measure: oneOf(outcomeMeasures), value: decimal(0, 100) });
export type Measurement = z.infer<typeof measurementSchema>;
/** Measurements taken together, one per measure at most. */
export const measurementsSchema = list(measurementSchema, { max: outcomeMeasures.length });

export const measurementRefusal = (measurement: Measurement): Refusal => {
  const definition = measureDefinitions[measurement.measure];
  return measurement.value >= definition.min && measurement.value <= definition.max
    ? undefined
    : new DomainError('OUTCOME_MEASURE_OUT_OF_RANGE', `A ${definition.name} score must be from ${definition.min} to ${definition.max}.`, {
        measure: measurement.measure,
      });
};

export const measurementsRefusal = (measurements: readonly Measurement[]): Refusal => {
  if (measurements.length === 0) {
    return new DomainError('OUTCOME_MEASURE_REQUIRED', 'At least one standardized outcome measure (NPRS, ODI, NDI or PSFS) is required.');
  }
  const measures = measurements.map((m) => m.measure);
  const repeated = measures.find((measure, index) => measures.indexOf(measure) !== index);
  if (repeated !== undefined) {
    return new DomainError('INVALID_COMMAND', `The ${measureDefinitions[repeated].name} is recorded twice; record each measure once.`);
  }
  return measurements.map(measurementRefusal).find((refusal) => refusal !== undefined);
};

/** PSFS is an average: round differences so 4.1 → 2.1 counts as the 2 points it is. */
const roundScore = (value: number): number => Math.round(value * 1000) / 1000;

/** Positive when `to` is better than `from`, whichever direction the measure improves in. */
export const improvement = (measure: OutcomeMeasure, from: number, to: number): number =>
  roundScore(measureDefinitions[measure].betterWhen === 'lower' ? from - to : to - from);

const isTargetMet = (measure: OutcomeMeasure, value: number, target: number): boolean => improvement(measure, target, value) >= 0;

/** A target must be a better score than the baseline, or there is nothing to achieve. */
export const isTargetBetterThanBaseline = (measure: OutcomeMeasure, baseline: number, target: number): boolean =>
  improvement(measure, baseline, target) > 0;

export type GoalStatus = 'achieved' | 'improving' | 'no-change' | 'worsening';

export interface GoalTarget {
  readonly measure: OutcomeMeasure;
  readonly baseline: number;
  readonly target: number;
}

/** Status of a goal at a measurement: change is judged against the goal's baseline. */
export const goalStatus = (goal: GoalTarget, value: number, settings: DepartmentSettings): GoalStatus => {
  if (isTargetMet(goal.measure, value, goal.target)) return 'achieved';
  const change = improvement(goal.measure, goal.baseline, value);
  const mcid = mcidOf(goal.measure, settings);
  if (change >= mcid) return 'improving';
  if (-change >= mcid) return 'worsening';
  return 'no-change';
};

/** A change smaller than the MCID in either direction: clinically, nothing moved. */
export const isWithinMcid = (measure: OutcomeMeasure, from: number, to: number, settings: DepartmentSettings): boolean =>
  Math.abs(improvement(measure, from, to)) < mcidOf(measure, settings);
