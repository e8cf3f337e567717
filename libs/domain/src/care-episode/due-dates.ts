/**
 * Every deadline still open in an episode, so the workflow can arm one timer per entry and send
 * `MarkDeadlinePassed` when it fires. A deadline that has fired or no longer applies is not listed.
 */
import { addHours, endOfLocalDay, type IsoDate, type IsoInstant, type TimeZone } from '../calendar';
import { certificationDueOn, verbalOrderSignatureDueOn } from '../rules/certification';
import { progressReportCalendarDueOn } from '../rules/progress-reports';
import { timeZoneOf, type DepartmentSettings } from '../settings';
import type { DeadlineKind } from './commands';
import { awaitingSessionsDelinquent } from './decide-plan';
import { nextStepEvents } from './decide-referral';
import type { CareEpisodeEvent } from './events';
import { stamp } from './guards';
import type { Actor } from './records';
import { isClosed, isPlanned, isReferred, offerInWaiting, sessionsOf, type CareEpisodeState } from './state';

export interface DueDate {
  readonly kind: DeadlineKind;
  /** The instant the deadline has passed; the workflow's timer fires then. */
  readonly dueAt: IsoInstant;
  /** For date rules: the last day that still meets the deadline. */
  readonly lastDay?: IsoDate;
  readonly sessionId?: string;
  readonly therapistId?: string;
}

/** A deadline still open, and the events that record it passing. */
interface OpenDeadline {
  readonly due: DueDate;
  readonly passed: (command: Stamped) => CareEpisodeEvent[];
}

type Stamped = { readonly at: IsoInstant; readonly actor: Actor };

/**
 * A date rule is met through its last day, so it has passed when the department's local day ends:
 * the workflow's timer fires at the department's midnight.
 */
const passedAfter =
  (zone: TimeZone) =>
  (kind: DeadlineKind, lastDay: IsoDate, passed: (command: Stamped, lastDay: IsoDate) => CareEpisodeEvent[]): OpenDeadline => ({
    due: { kind, lastDay, dueAt: endOfLocalDay(lastDay, zone) },
    passed: (command) => passed(command, lastDay),
  });

export const openDeadlines = (state: CareEpisodeState, settings: DepartmentSettings): OpenDeadline[] => {
  if (!isReferred(state) || isClosed(state)) return [];
  const { certification, progress } = state;
  const waiting = offerInWaiting(state);
  const calendarReportDue = progress.periodStart === undefined ? undefined : progressReportCalendarDueOn(progress.periodStart, settings);
  const authorizationEnd = state.authorization?.endDate;
  const careStarted = state.status === 'active' || state.status === 'onhold';
  const passedAfterLastDay = passedAfter(timeZoneOf(settings));
  return [
    ...(waiting
      ? [
          {
            due: { kind: 'offer-expiry', dueAt: waiting.offer.expiresAt, therapistId: waiting.offer.therapistId } as const,
            passed: (command: Stamped) => [
              { type: 'OfferExpired', ...stamp(command), therapistId: waiting.offer.therapistId } as const,
              ...nextStepEvents(waiting.routing, command, settings),
            ],
          },
        ]
      : []),
    ...(isPlanned(state) && certification.kind === 'none' && !certification.certificationDeadlinePassed
      ? [
          passedAfterLastDay('certification', certificationDueOn(state.assessment.assessedOn), (command, dueOn) => [
            { type: 'CertificationDelinquent', ...stamp(command), dueOn },
            ...awaitingSessionsDelinquent(state, command, 'certification-deadline-passed'),
          ]),
        ]
      : []),
    ...(certification.kind === 'verbal' && certification.verbalSignedOn === undefined && !certification.verbalOrderDeadlinePassed
      ? [
          passedAfterLastDay('verbal-order-signature', verbalOrderSignatureDueOn(certification.certifiedOn), (command, dueOn) => [
            { type: 'VerbalOrderDelinquent', ...stamp(command), dueOn },
          ]),
        ]
      : []),
    ...(isPlanned(state) && !state.certification.periodEndPassed
      ? [
          passedAfterLastDay('certified-period-end', state.certification.periodEnd, (command, periodEnd) => [
            { type: 'CertifiedPeriodEnded', ...stamp(command), periodEnd },
          ]),
        ]
      : []),
    ...(calendarReportDue !== undefined && !progress.calendarDeadlinePassed
      ? [
          passedAfterLastDay('progress-report', calendarReportDue, (command) => [
            { type: 'ProgressReportDue', ...stamp(command), basis: 'calendar-days' },
          ]),
        ]
      : []),
    ...(careStarted && authorizationEnd !== undefined && !state.authorizationEndPassed
      ? [
          passedAfterLastDay('authorization-end', authorizationEnd, (command, endDate) => [
            { type: 'AuthorizationEnded', ...stamp(command), endDate },
          ]),
        ]
      : []),
    ...sessionsOf(state)
      .filter((session) => !session.signed && !session.signatureOverduePassed)
      .map((session): OpenDeadline => {
        const dueAt = addHours(session.recordedAt, settings.unsignedNoteHours);
        return {
          due: { kind: 'unsigned-note', sessionId: session.sessionId, dueAt },
          passed: (command) => [{ type: 'NoteSignatureOverdue', ...stamp(command), sessionId: session.sessionId, overdueSince: dueAt }],
        };
      }),
  ];
};

export const dueDates = (state: CareEpisodeState, settings: DepartmentSettings): DueDate[] =>
  openDeadlines(state, settings).map((deadline) => deadline.due);
