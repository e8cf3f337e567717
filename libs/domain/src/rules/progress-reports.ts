/**
 * Progress report cadence (docs/clinical-rules.md §8): due by the 10th treatment day since the evaluation
 * (which counts as day 1) or the last report; a warning at the 8th; the 11th cannot be documented
 * until the report exists. A department may add "or N calendar days, whichever comes first".
 */
import { addDays, daysBetween, type IsoDate } from '../calendar';
import { DomainError, type Refusal } from '../errors';
import type { DepartmentSettings } from '../settings';

const progressReportDueTreatmentDay = 10;
const progressReportWarningTreatmentDay = 8;

/** What documenting one more treatment day means for the report, given the days already counted. */
export type TreatmentDayNotice = 'warning' | 'due' | undefined;

export const treatmentDayNotice = (treatmentDayNumber: number): TreatmentDayNotice => {
  if (treatmentDayNumber === progressReportWarningTreatmentDay) return 'warning';
  if (treatmentDayNumber === progressReportDueTreatmentDay) return 'due';
  return undefined;
};

/**
 * Last calendar day a session may be documented without a new report; undefined when the setting is
 * off. The period's first day (the evaluation or the last report) is day 1, so 30 days end on day 30.
 */
export const progressReportCalendarDueOn = (periodStart: IsoDate, settings: DepartmentSettings): IsoDate | undefined =>
  settings.progressReportCalendarDays === null ? undefined : addDays(periodStart, settings.progressReportCalendarDays - 1);

/**
 * Refuses a session that would make a new treatment day past the 10th, or fall after the calendar
 * limit when the department uses one. `daysCounted` are the treatment days since the period began.
 */
export const progressReportOverdueRefusal = (
  input: { daysCounted: number; isNewTreatmentDay: boolean; sessionDate: IsoDate; periodStart: IsoDate },
  settings: DepartmentSettings,
): Refusal => {
  if (input.isNewTreatmentDay && input.daysCounted >= progressReportDueTreatmentDay) {
    return new DomainError(
      'PROGRESS_REPORT_OVERDUE',
      `A progress report is due by the ${progressReportDueTreatmentDay}th treatment day; record it before documenting another treatment day.`,
      { treatmentDays: input.daysCounted },
    );
  }
  const calendarDue = progressReportCalendarDueOn(input.periodStart, settings);
  if (calendarDue !== undefined && daysBetween(calendarDue, input.sessionDate) > 0) {
    return new DomainError(
      'PROGRESS_REPORT_OVERDUE',
      `A progress report is due every ${settings.progressReportCalendarDays} calendar days in this department; record it before documenting this session.`,
      { calendarDays: settings.progressReportCalendarDays ?? 0 },
    );
  }
  return undefined;
};
