import { isDomainError } from '../errors';
import { calculateUnits, unitsForTimedMinutes, type CodeMinutes, type UnitAssignment, type UnitRule } from './index';

const units = (lines: CodeMinutes[], rule: UnitRule = 'cms-8-minute'): UnitAssignment[] => {
  const result = calculateUnits(lines, rule);
  if (isDomainError(result)) throw result;
  return result;
};

const unitsByCode = (lines: CodeMinutes[], rule: UnitRule = 'cms-8-minute') =>
  Object.fromEntries(units(lines, rule).map((line) => [line.code, line.units]));

describe('8-minute rule: units by total timed minutes', () => {
  it.each([
    [0, 0],
    [7, 0],
    [8, 1],
    [22, 1],
    [23, 2],
    [37, 2],
    [38, 3],
    [52, 3],
    [53, 4],
    [67, 4],
    [68, 5],
    [82, 5],
    [83, 6],
    [97, 6],
    [98, 7],
    [112, 7],
    [113, 8],
  ])('given %i timed minutes, when units are counted, then %i units', (minutes, expected) => {
    expect(unitsForTimedMinutes(minutes)).toBe(expected);
    expect(unitsByCode([{ code: '97140', minutes }])).toEqual({ '97140': expected });
  });
});

describe('8-minute rule: units assigned to codes', () => {
  it('given 33 minutes of 97530 and 7 of 97140, when assigned, then 2 units 97530 and the third to 97140 (more minutes left over)', () => {
    expect(
      unitsByCode([
        { code: '97530', minutes: 33 },
        { code: '97140', minutes: 7 },
      ]),
    ).toEqual({ '97530': 2, '97140': 1 });
  });

  it('given 24 minutes of 97112 and 23 of 97530, when assigned, then the third unit goes to 97112', () => {
    expect(
      unitsByCode([
        { code: '97530', minutes: 23 },
        { code: '97112', minutes: 24 },
      ]),
    ).toEqual({ '97530': 1, '97112': 2 });
  });

  it('given 7 minutes each of three codes, when assigned, then the single unit goes to one code only (lowest code number on a tie)', () => {
    expect(
      unitsByCode([
        { code: '97530', minutes: 7 },
        { code: '97140', minutes: 7 },
        { code: '97124', minutes: 7 },
      ]),
    ).toEqual({ '97530': 0, '97140': 0, '97124': 1 });
  });

  it('given equal minutes left over, when assigned, then the code with more minutes in all gets the unit', () => {
    expect(
      unitsByCode([
        { code: '97124', minutes: 5 },
        { code: '97140', minutes: 20 },
      ]),
    ).toEqual({ '97124': 0, '97140': 2 });
  });

  it('given 16 minutes of one code and 7 each of two others, when assigned, then the code with 15 or more keeps its unit', () => {
    expect(
      unitsByCode([
        { code: '97140', minutes: 16 },
        { code: '97124', minutes: 7 },
        { code: '97112', minutes: 7 },
      ]),
    ).toEqual({ '97140': 1, '97124': 0, '97112': 1 });
  });

  it('given 15 minutes of one code and 14 each of two others, when assigned, then each code gets one unit', () => {
    expect(
      unitsByCode([
        { code: '97140', minutes: 15 },
        { code: '97124', minutes: 14 },
        { code: '97530', minutes: 14 },
      ]),
    ).toEqual({ '97140': 1, '97124': 1, '97530': 1 });
  });

  it('given two codes below 8 minutes that add up to 8, when assigned, then one unit goes to the code with more minutes', () => {
    expect(
      unitsByCode([
        { code: '97124', minutes: 3 },
        { code: '97140', minutes: 5 },
      ]),
    ).toEqual({ '97124': 0, '97140': 1 });
  });

  it('given repeated lines of one code, when assigned, then their minutes are added up first', () => {
    expect(
      units([
        { code: '97140', minutes: 5 },
        { code: '97124', minutes: 10 },
        { code: '97140', minutes: 6 },
      ]),
    ).toEqual([
      { code: '97140', minutes: 11, units: 1 },
      { code: '97124', minutes: 10, units: 0 },
    ]);
  });
});

describe('untimed evaluation codes', () => {
  it.each(['97161', '97162', '97163', '97164'] as const)(
    'given %s with 45 minutes beside 7 minutes of 97140, when assigned, then the evaluation is 1 unit and its minutes do not lift 97140',
    (evaluation) => {
      expect(
        unitsByCode([
          { code: evaluation, minutes: 45 },
          { code: '97140', minutes: 7 },
        ]),
      ).toEqual({ [evaluation]: 1, '97140': 0 });
    },
  );

  it('given an evaluation with no minutes documented, when assigned, then it is still 1 unit', () => {
    expect(unitsByCode([{ code: '97161', minutes: 0 }], 'per-code-midpoint')).toEqual({ '97161': 1 });
  });
});

describe('per-code midpoint rule', () => {
  it('given 10 minutes each of two codes, when assigned, then each earns its own unit', () => {
    expect(
      unitsByCode(
        [
          { code: '97124', minutes: 10 },
          { code: '97140', minutes: 10 },
        ],
        'per-code-midpoint',
      ),
    ).toEqual({
      '97124': 1,
      '97140': 1,
    });
  });

  it.each([
    [7, 0],
    [8, 1],
    [22, 1],
    [23, 2],
    [37, 2],
    [38, 3],
  ])('given %i minutes of one code, when assigned, then %i units', (minutes, expected) => {
    expect(
      unitsByCode(
        [
          { code: '97112', minutes },
          { code: '97140', minutes: 7 },
        ],
        'per-code-midpoint',
      ),
    ).toEqual({
      '97112': expected,
      '97140': 0,
    });
  });
});

describe('unit refusals', () => {
  it.each([
    [-1, 'Minutes for 97140 must be a whole number of minutes, zero or more.'],
    [7.5, 'Minutes for 97140 must be a whole number of minutes, zero or more.'],
    [Number.NaN, 'Minutes for 97140 must be a whole number of minutes, zero or more.'],
  ])('given %p minutes, when units are counted, then refused', (minutes, message) => {
    const result = calculateUnits([{ code: '97140', minutes }], 'cms-8-minute');
    expect(result).toMatchObject({ code: 'INVALID_BILLING_INPUT', message });
  });

  it('given a code the department does not bill, when units are counted, then refused naming it', () => {
    const result = calculateUnits([{ code: '97110' as never, minutes: 20 }], 'cms-8-minute');
    expect(result).toMatchObject({ code: 'INVALID_BILLING_INPUT', message: '97110 is not a billing code this department uses.' });
  });
});
