/** What happens when a deadline from `dueDates` passes (docs/clinical-rules.md §3, §6, §8, §11). */
import { hoursBetween } from '../calendar';
import { DomainError } from '../errors';
import type { Decision, Handler } from './decision';
import { openDeadlines } from './due-dates';

export const markDeadlinePassed: Handler<'MarkDeadlinePassed'> = (command, state, settings): Decision => {
  const deadline = openDeadlines(state, settings).find(
    ({ due }) => due.kind === command.deadline && (due.kind !== 'unsigned-note' || due.sessionId === command.sessionId),
  );
  if (deadline === undefined) {
    return new DomainError('DEADLINE_NOT_PENDING', `No ${command.deadline} deadline is open in this episode.`, {
      deadline: command.deadline,
    });
  }
  if (hoursBetween(deadline.due.dueAt, command.at) < 0) {
    return new DomainError('DEADLINE_NOT_REACHED', `The ${command.deadline} deadline passes at ${deadline.due.dueAt}, not yet.`, {
      deadline: command.deadline,
    });
  }
  return deadline.passed(command);
};
