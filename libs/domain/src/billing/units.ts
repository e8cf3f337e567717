import { DomainError } from '../errors';
import { isBillingCode, isTimedCode, type BillingCode } from './codes';

/**
 * How timed minutes become 15-minute units (docs/clinical-rules.md §10), a payer setting:
 * - `cms-8-minute`: the day's timed minutes are added up and the total decides the units;
 * - `per-code-midpoint`: each code on its own minutes.
 */
export type UnitRule = 'cms-8-minute' | 'per-code-midpoint';

export interface CodeMinutes {
  readonly code: BillingCode;
  readonly minutes: number;
}

export interface UnitAssignment {
  readonly code: BillingCode;
  readonly minutes: number;
  readonly units: number;
}

const unitMinutes = 15;
/** The midpoint of a unit: 8 minutes earn the first unit, and each further 15 one more. */
const midpointMinutes = 8;

/**
 * Units earned by timed minutes: below 8 none; 8–22 → 1, 23–37 → 2, 38–52 → 3, … one more per 15.
 * The same arithmetic serves the day's total (8-minute rule) and a single code (midpoint rule).
 */
export const unitsForTimedMinutes = (minutes: number): number =>
  minutes < midpointMinutes ? 0 : Math.floor((minutes + unitMinutes - midpointMinutes) / unitMinutes);

/**
 * Each line names a billing code and whole, non-negative minutes; anything else is a documentation
 * error, not a rounding question.
 */
export const codeMinutesRefusal = (lines: readonly CodeMinutes[]): DomainError | undefined => {
  const unknown = lines.find((line) => !isBillingCode(line.code));
  if (unknown) {
    return new DomainError('INVALID_BILLING_INPUT', `${String(unknown.code)} is not a billing code this department uses.`);
  }
  const bad = lines.find((line) => !Number.isSafeInteger(line.minutes) || line.minutes < 0);
  return bad
    ? new DomainError('INVALID_BILLING_INPUT', `Minutes for ${bad.code} must be a whole number of minutes, zero or more.`, {
        code: bad.code,
      })
    : undefined;
};

/** One entry per code, in order of first appearance, minutes of repeated codes added together. */
const sumMinutesByCode = (lines: readonly CodeMinutes[]): CodeMinutes[] => {
  const totals = new Map<BillingCode, number>();
  for (const line of lines) totals.set(line.code, (totals.get(line.code) ?? 0) + line.minutes);
  return [...totals].map(([code, minutes]) => ({ code, minutes }));
};

/**
 * CMS 8-minute rule (Claims Processing Manual ch. 5 §20.2): the total decides how many units the day
 * earns. Each code first gets one unit per full 15 minutes (so a code with ≥ 15 minutes always has
 * one); the units left go, one each, to the codes with the most minutes left over. Equal leftovers
 * go to the code with more minutes in all, then to the lower code number, so the result never
 * depends on the order of documentation. The leftover units never outnumber the codes: together the
 * leftovers are under 15 minutes per code.
 */
const cmsUnits = (timed: readonly CodeMinutes[]): ((line: CodeMinutes) => number) => {
  const totalUnits = unitsForTimedMinutes(timed.reduce((sum, line) => sum + line.minutes, 0));
  const fullUnits = (line: CodeMinutes) => Math.floor(line.minutes / unitMinutes);
  const leftoverUnits = totalUnits - timed.reduce((sum, line) => sum + fullUnits(line), 0);
  const byLeftover = [...timed].sort(
    (a, b) => (b.minutes % unitMinutes) - (a.minutes % unitMinutes) || b.minutes - a.minutes || a.code.localeCompare(b.code),
  );
  const withLeftoverUnit = new Set(byLeftover.slice(0, leftoverUnits).map((line) => line.code));
  return (line) => fullUnits(line) + (withLeftoverUnit.has(line.code) ? 1 : 0);
};

const midpointUnits = (line: CodeMinutes): number => unitsForTimedMinutes(line.minutes);

/** Units per code for lines already checked by `codeMinutesRefusal`. */
export const assignUnits = (lines: readonly CodeMinutes[], rule: UnitRule): UnitAssignment[] => {
  const perCode = sumMinutesByCode(lines);
  const timedUnits = rule === 'cms-8-minute' ? cmsUnits(perCode.filter((line) => isTimedCode(line.code))) : midpointUnits;
  return perCode.map((line) => ({ ...line, units: isTimedCode(line.code) ? timedUnits(line) : 1 }));
};

/**
 * Units per code under the payer's rule. Repeated codes are added together first (a code is billed
 * once a day). Untimed evaluation codes are one unit each and their minutes never count as timed.
 */
export const calculateUnits = (lines: readonly CodeMinutes[], rule: UnitRule): UnitAssignment[] | DomainError =>
  codeMinutesRefusal(lines) ?? assignUnits(lines, rule);
