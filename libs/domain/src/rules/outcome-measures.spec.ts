import { defaultDepartmentSettings } from '../settings';
import { goalStatus, improvement, isWithinMcid, mcidOf, measurementRefusal, measurementsRefusal } from './outcome-measures';

const settings = defaultDepartmentSettings;

describe('outcome measure ranges', () => {
  it.each([
    ['NPRS', 0, 10],
    ['ODI', 0, 100],
    ['NDI', 0, 50],
    ['PSFS', 0, 10],
  ] as const)('%s accepts %d to %d and nothing beyond', (measure, min, max) => {
    expect(measurementRefusal({ measure, value: min })).toBeUndefined();
    expect(measurementRefusal({ measure, value: max })).toBeUndefined();
    expect(measurementRefusal({ measure, value: max + 1 })?.code).toBe('OUTCOME_MEASURE_OUT_OF_RANGE');
    expect(measurementRefusal({ measure, value: min - 1 })?.code).toBe('OUTCOME_MEASURE_OUT_OF_RANGE');
  });

  it('needs at least one measure and each measure once', () => {
    expect(measurementsRefusal([])?.code).toBe('OUTCOME_MEASURE_REQUIRED');
    expect(
      measurementsRefusal([
        { measure: 'NPRS', value: 3 },
        { measure: 'NPRS', value: 4 },
      ])?.code,
    ).toBe('INVALID_COMMAND');
    expect(measurementsRefusal([{ measure: 'NDI', value: 51 }])?.code).toBe('OUTCOME_MEASURE_OUT_OF_RANGE');
  });
});

describe('MCID', () => {
  it('is fixed for NPRS and PSFS and a setting for ODI and NDI', () => {
    expect([mcidOf('NPRS', settings), mcidOf('PSFS', settings), mcidOf('ODI', settings), mcidOf('NDI', settings)]).toEqual([2, 2, 10, 7]);
    expect(mcidOf('ODI', { ...settings, mcid: { ODI: 12, NDI: 5 } })).toBe(12);
  });

  it('measures improvement in the direction each measure gets better', () => {
    expect(improvement('NPRS', 7, 4)).toBe(3);
    expect(improvement('PSFS', 2.1, 4.1)).toBe(2);
  });

  it('treats a change just below the MCID as no change', () => {
    expect(isWithinMcid('NPRS', 6, 5, settings)).toBe(true);
    expect(isWithinMcid('NPRS', 6, 4, settings)).toBe(false);
  });
});

describe('goal status', () => {
  const painGoal = { measure: 'NPRS', baseline: 7, target: 2 } as const;
  const functionGoal = { measure: 'PSFS', baseline: 3, target: 8 } as const;

  it.each([
    [painGoal, 2, 'achieved'],
    [painGoal, 5, 'improving'],
    [painGoal, 6, 'no-change'],
    [painGoal, 8, 'no-change'],
    [painGoal, 9, 'worsening'],
    [functionGoal, 8.5, 'achieved'],
    [functionGoal, 5, 'improving'],
    [functionGoal, 1, 'worsening'],
  ] as const)('%o at %d is %s', (goal, value, status) => expect(goalStatus(goal, value, settings)).toBe(status));
});
