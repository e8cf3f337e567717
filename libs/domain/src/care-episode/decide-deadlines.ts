/** What happens when a deadline from `dueDates` passes (CLINICAL-RULES §3, §6, §8, §11). */
import { hoursBetween, type IsoDate } from '../calendar';
import { DomainError } from '../errors';
import { nextStepEvents } from './decide-referral';
import type { Decision, Handler } from './decision';
import { awaitingSessionsDelinquent } from './decide-plan';
import { dueDates, type DueDate } from './due-dates';
import { stamp } from './guards';
import { pendingOffer, type CareEpisodeState, type OfferRecord } from './state';

export const markDeadlinePassed: Handler<'MarkDeadlinePassed'> = (command, state, settings): Decision => {
  const due = dueDates(state, settings).find(
    (entry) => entry.kind === command.deadline && (entry.kind !== 'unsigned-note' || entry.sessionId === command.sessionId),
  );
  if (due === undefined) {
    return new DomainError('DEADLINE_NOT_PENDING', `No ${command.deadline} deadline is open in this episode.`, {
      deadline: command.deadline,
    });
  }
  if (hoursBetween(due.dueAt, command.at) < 0) {
    return new DomainError('DEADLINE_NOT_REACHED', `The ${command.deadline} deadline passes at ${due.dueAt}, not yet.`, {
      deadline: command.deadline,
    });
  }
  return deadlineEvents(due, command, state, settings);
};

const deadlineEvents = (
  due: DueDate,
  command: Parameters<Handler<'MarkDeadlinePassed'>>[0],
  state: CareEpisodeState,
  settings: Parameters<Handler<'MarkDeadlinePassed'>>[2],
): Decision => {
  const lastDay = due.lastDay as IsoDate;
  switch (due.kind) {
    case 'offer-expiry':
      return [
        { type: 'OfferExpired', ...stamp(command), therapistId: (pendingOffer(state) as OfferRecord).therapistId },
        ...nextStepEvents(state, command, settings),
      ];
    case 'certification':
      return [
        { type: 'CertificationDelinquent', ...stamp(command), dueOn: lastDay },
        ...awaitingSessionsDelinquent(state, command, 'certification-deadline-passed'),
      ];
    case 'verbal-order-signature':
      return [{ type: 'VerbalOrderDelinquent', ...stamp(command), dueOn: lastDay }];
    case 'certified-period-end':
      return [{ type: 'CertifiedPeriodEnded', ...stamp(command), periodEnd: lastDay }];
    case 'progress-report':
      return [{ type: 'ProgressReportDue', ...stamp(command), basis: 'calendar-days' }];
    case 'authorization-end':
      return [{ type: 'AuthorizationEnded', ...stamp(command), endDate: lastDay }];
    case 'unsigned-note':
      return [{ type: 'NoteSignatureOverdue', ...stamp(command), sessionId: due.sessionId as string, overdueSince: due.dueAt }];
  }
};
