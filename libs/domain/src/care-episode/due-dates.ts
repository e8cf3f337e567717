/**
 * Every deadline still open in an episode, so the workflow can arm one timer per entry and send
 * `MarkDeadlinePassed` when it fires. A deadline that has fired or no longer applies is not listed.
 */
import { addHours, endOfLocalDay, type IsoDate, type IsoInstant, type TimeZone } from '../calendar';
import { certificationDueOn, verbalOrderSignatureDueOn } from '../rules/certification';
import { progressReportCalendarDueOn } from '../rules/progress-reports';
import { timeZoneOf, type DepartmentSettings } from '../settings';
import type { DeadlineKind } from './commands';
import { isClosed, pendingOffer, sessionsOf, type CareEpisodeState } from './state';

export interface DueDate {
  readonly kind: DeadlineKind;
  /** The instant the deadline has passed; the workflow's timer fires then. */
  readonly dueAt: IsoInstant;
  /** For date rules: the last day that still meets the deadline. */
  readonly lastDay?: IsoDate;
  readonly sessionId?: string;
  readonly therapistId?: string;
}

/**
 * A date rule is met through its last day, so it has passed when the department's local day ends:
 * the workflow's timer fires at the department's midnight.
 */
const passedAfter = (zone: TimeZone) => (kind: DeadlineKind, lastDay: IsoDate): DueDate => ({
  kind,
  lastDay,
  dueAt: endOfLocalDay(lastDay, zone),
});

export const dueDates = (state: CareEpisodeState, settings: DepartmentSettings): DueDate[] => {
  if (state.status === 'none' || isClosed(state)) return [];
  const { certification, progress } = state;
  const offer = pendingOffer(state);
  const start = state.assessment?.assessedOn;
  const planned = state.plan !== undefined && start !== undefined;
  const calendarReportDue =
    progress.periodStart === undefined ? undefined : progressReportCalendarDueOn(progress.periodStart, settings);
  const authorizationEnd = state.authorization?.endDate;
  const careStarted = state.status === 'active' || state.status === 'onhold';
  const passedAfterLastDay = passedAfter(timeZoneOf(settings));
  return [
    ...(offer ? [{ kind: 'offer-expiry', dueAt: offer.expiresAt, therapistId: offer.therapistId } as const] : []),
    ...(planned && certification.kind === 'none' && !certification.certificationDeadlinePassed
      ? [passedAfterLastDay('certification', certificationDueOn(start))]
      : []),
    ...(certification.kind === 'verbal' && certification.verbalSignedOn === undefined && !certification.verbalOrderDeadlinePassed
      ? [passedAfterLastDay('verbal-order-signature', verbalOrderSignatureDueOn(certification.certifiedOn as IsoDate))]
      : []),
    ...(planned && !certification.periodEndPassed ? [passedAfterLastDay('certified-period-end', certification.periodEnd as IsoDate)] : []),
    ...(calendarReportDue !== undefined && !progress.calendarDeadlinePassed ? [passedAfterLastDay('progress-report', calendarReportDue)] : []),
    ...(careStarted && authorizationEnd !== undefined && !state.authorizationEndPassed
      ? [passedAfterLastDay('authorization-end', authorizationEnd)]
      : []),
    ...sessionsOf(state)
      .filter((session) => !session.signed && !session.signatureOverduePassed)
      .map(
        (session): DueDate => ({
          kind: 'unsigned-note',
          sessionId: session.sessionId,
          dueAt: addHours(session.recordedAt, settings.unsignedNoteHours),
        }),
      ),
  ];
};
