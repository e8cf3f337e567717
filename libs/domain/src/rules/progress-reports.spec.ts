import { defaultDepartmentSettings } from '../settings';
import { progressReportCalendarDueOn, progressReportOverdueRefusal, treatmentDayNotice } from './progress-reports';

const settings = defaultDepartmentSettings;
const input = { daysCounted: 9, isNewTreatmentDay: true, sessionDate: '2025-04-01', periodStart: '2025-03-05' };

describe('progress report cadence', () => {
  it('warns at the 8th treatment day and is due at the 10th', () => {
    expect([7, 8, 9, 10, 11].map(treatmentDayNotice)).toEqual([undefined, 'warning', undefined, 'due', undefined]);
  });

  it('allows the 10th treatment day and refuses the 11th', () => {
    expect(progressReportOverdueRefusal(input, settings)).toBeUndefined();
    expect(progressReportOverdueRefusal({ ...input, daysCounted: 10 }, settings)?.code).toBe('PROGRESS_REPORT_OVERDUE');
  });

  it('allows another session on a day already counted', () =>
    expect(progressReportOverdueRefusal({ ...input, daysCounted: 10, isNewTreatmentDay: false }, settings)).toBeUndefined());

  it('adds a calendar limit only when the department turns it on, counting the evaluation day as day 1', () => {
    const thirtyDays = { ...settings, progressReportCalendarDays: 30 };
    expect(progressReportCalendarDueOn('2025-03-05', settings)).toBeUndefined();
    // 2025-03-05 is day 1, so day 30 is 2025-04-03 and 2025-04-04 would be a 31st calendar day.
    expect(progressReportCalendarDueOn('2025-03-05', thirtyDays)).toBe('2025-04-03');
    const early = { ...input, daysCounted: 3 };
    expect(progressReportOverdueRefusal({ ...early, sessionDate: '2025-04-03' }, thirtyDays)).toBeUndefined();
    expect(progressReportOverdueRefusal({ ...early, sessionDate: '2025-04-04' }, thirtyDays)?.code).toBe('PROGRESS_REPORT_OVERDUE');
    expect(progressReportOverdueRefusal({ ...early, sessionDate: '2025-04-04' }, settings)).toBeUndefined();
  });
});
