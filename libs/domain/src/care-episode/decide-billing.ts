/** What billing reports back to the episode: therapy thresholds crossed (docs/clinical-rules.md §10). */
import { crossesThreshold } from '../billing';
import { yearOf } from '../calendar';
import { DomainError } from '../errors';
import { firstRefusal, type Handler } from './decision';
import { stamp } from './guards';
import { findSession, isReferred } from './state';

/**
 * Billing consumes events at least once, so a crossing already recorded for the year, payer and
 * threshold yields no events rather than a refusal. Charges are billed after discharge too, so a
 * closed episode still records it.
 */
export const recordTherapyThresholdCrossing: Handler<'RecordTherapyThresholdCrossing'> = (command, state) => {
  if (!isReferred(state)) return new DomainError('EPISODE_NOT_STARTED', 'There is no referral for this episode yet.');
  const session = findSession(state, command.sessionId);
  if (session === undefined) return new DomainError('SESSION_NOT_FOUND', `No session ${command.sessionId} is recorded in this episode.`);
  const refusal = firstRefusal(
    () =>
      yearOf(session.documentation.date) === command.year
        ? undefined
        : new DomainError('INVALID_BILLING_INPUT', "The session's date of service is not in the year the threshold was crossed."),
    () =>
      crossesThreshold(command.yearToDateBeforeCents, command.yearToDateAfterCents, command.thresholdCents)
        ? undefined
        : new DomainError(
            'INVALID_BILLING_INPUT',
            "These year-to-date charges do not cross the threshold: they must be at most the threshold before the session's day and above it after.",
            { threshold: command.threshold },
          ),
  );
  if (refusal) return refusal;
  const recorded = state.thresholdCrossings.some(
    (crossing) => crossing.year === command.year && crossing.payerId === command.payerId && crossing.threshold === command.threshold,
  );
  if (recorded) return [];
  return [
    {
      type: 'TherapyThresholdCrossed',
      ...stamp(command),
      payerId: command.payerId,
      year: command.year,
      threshold: command.threshold,
      sessionId: command.sessionId,
      thresholdCents: command.thresholdCents,
      yearToDateBeforeCents: command.yearToDateBeforeCents,
      yearToDateAfterCents: command.yearToDateAfterCents,
    },
  ];
};
