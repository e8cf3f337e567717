import { defaultDepartmentSettings } from '../settings';
import { buildDischargeSummary, dischargeMeasuresRefusal, dischargeReasonRefusal } from './discharge';

describe('discharge requirements', () => {
  it('needs the reason written out for "other"', () => {
    expect(dischargeReasonRefusal('other', undefined)?.code).toBe('INVALID_DISCHARGE_REASON');
    expect(dischargeReasonRefusal('other', '  ')?.code).toBe('INVALID_DISCHARGE_REASON');
    expect(dischargeReasonRefusal('other', 'moved away')).toBeUndefined();
    expect(dischargeReasonRefusal('goals-met', undefined)).toBeUndefined();
  });

  it('needs every required measure again at discharge', () => {
    expect(dischargeMeasuresRefusal(['NPRS', 'ODI'], [{ measure: 'NPRS', value: 3 }])).toMatchObject({
      code: 'DISCHARGE_SUMMARY_INCOMPLETE',
      details: { measure: 'ODI' },
    });
  });

  it('compares with baseline, states each goal and leaves out what was not measured', () => {
    const summary = buildDischargeSummary(
      {
        baseline: [
          { measure: 'NPRS', value: 7 },
          { measure: 'NDI', value: 30 },
        ],
        atDischarge: [{ measure: 'NPRS', value: 6 }],
        goals: [
          { goalId: 'g1', measure: 'NPRS', baseline: 7, target: 2 },
          { goalId: 'g2', measure: 'NDI', baseline: 30, target: 10 },
        ],
        sessionsDelivered: 4,
        noShows: 1,
        cancellations: 2,
      },
      defaultDepartmentSettings,
    );
    expect(summary).toEqual({
      measures: [{ measure: 'NPRS', baseline: 7, atDischarge: 6, improvement: 1, clinicallyImportant: false }],
      goals: [{ goalId: 'g1', measure: 'NPRS', target: 2, status: 'no-change' }],
      sessionsDelivered: 4,
      noShows: 1,
      cancellations: 2,
    });
  });
});
