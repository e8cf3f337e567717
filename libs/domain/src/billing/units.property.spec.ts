import fc from 'fast-check';
import { isDomainError } from '../errors';
import {
  calculateUnits,
  timedCodes,
  unitsForTimedMinutes,
  type CodeMinutes,
  type TimedCode,
  type UnitAssignment,
  type UnitRule,
} from './index';

const timedLinesArb: fc.Arbitrary<CodeMinutes[]> = fc
  .uniqueArray(fc.constantFrom<TimedCode>(...timedCodes), { maxLength: 4 })
  .chain((codes) => fc.tuple(...codes.map((code) => fc.record({ code: fc.constant(code), minutes: fc.integer({ min: 0, max: 120 }) }))));

const assign = (lines: readonly CodeMinutes[], rule: UnitRule): UnitAssignment[] => {
  const result = calculateUnits(lines, rule);
  if (isDomainError(result)) throw result;
  return result;
};

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

describe('unit properties', () => {
  it('8-minute rule: billed units never exceed (and always equal) what the total timed minutes allow', () => {
    fc.assert(
      fc.property(timedLinesArb, (lines) => {
        const billed = sum(assign(lines, 'cms-8-minute').map((line) => line.units));
        expect(billed).toBe(unitsForTimedMinutes(sum(lines.map((line) => line.minutes))));
      }),
    );
  });

  it('8-minute rule: a code with 15 minutes or more gets at least one unit, and never more than one beyond its full units', () => {
    fc.assert(
      fc.property(timedLinesArb, (lines) => {
        for (const line of assign(lines, 'cms-8-minute')) {
          expect(line.units).toBeGreaterThanOrEqual(Math.floor(line.minutes / 15));
          expect(line.units).toBeLessThanOrEqual(Math.floor(line.minutes / 15) + 1);
        }
      }),
    );
  });

  it('midpoint rule: each code earns exactly what its own minutes allow', () => {
    fc.assert(
      fc.property(timedLinesArb, (lines) => {
        for (const line of assign(lines, 'per-code-midpoint')) expect(line.units).toBe(unitsForTimedMinutes(line.minutes));
      }),
    );
  });

  it('units are monotonic in minutes: more minutes never earn fewer units', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 200 }), (minutes, more) => {
        expect(unitsForTimedMinutes(minutes + more)).toBeGreaterThanOrEqual(unitsForTimedMinutes(minutes));
      }),
    );
  });

  it('adding minutes to any code never lowers the day’s billed units, under either rule', () => {
    fc.assert(
      fc.property(
        timedLinesArb.filter((lines) => lines.length > 0),
        fc.nat(),
        fc.integer({ min: 1, max: 60 }),
        fc.constantFrom<UnitRule>('cms-8-minute', 'per-code-midpoint'),
        (lines, pick, more, rule) => {
          const index = pick % lines.length;
          const longer = lines.map((line, i) => (i === index ? { ...line, minutes: line.minutes + more } : line));
          const billed = (day: readonly CodeMinutes[]) => sum(assign(day, rule).map((line) => line.units));
          expect(billed(longer)).toBeGreaterThanOrEqual(billed(lines));
        },
      ),
    );
  });

  it('the assignment does not depend on the order the codes were documented', () => {
    fc.assert(
      fc.property(
        timedLinesArb.chain((lines) => fc.tuple(fc.constant(lines), fc.shuffledSubarray(lines, { minLength: lines.length }))),
        ([lines, shuffled]) => {
          const byCode = (assignments: UnitAssignment[]) => [...assignments].sort((a, b) => a.code.localeCompare(b.code));
          expect(byCode(assign(shuffled, 'cms-8-minute'))).toEqual(byCode(assign(lines, 'cms-8-minute')));
        },
      ),
    );
  });
});
