/** Discharge and cancellation (docs/clinical-rules.md §1, §9). */
import { DomainError } from '../errors';
import type { OutcomeMeasure } from '../rules/outcome-measures';
import { buildDischargeSummary, dischargeMeasuresRefusal, dischargeReasonRefusal, goalsMetRefusal } from '../rules/discharge';
import { referralNotice } from './decide-referral';
import { firstRefusal, type Handler } from './decision';
import { careStarted, notAfterToday, notBefore, present, stamp, started } from './guards';
import { lastVisitDate, sessionsOf, type CareEpisodeState } from './state';

/** Measures the summary must compare: everything taken at baseline and every goal's measure. */
const requiredDischargeMeasures = (state: CareEpisodeState): OutcomeMeasure[] => [
  ...new Set([...(state.assessment?.measures ?? []).map((m) => m.measure), ...(state.plan?.goals ?? []).map((g) => g.measure)]),
];

export const dischargeEpisode: Handler<'DischargeEpisode'> = (command, state, settings) => {
  const episode = careStarted(state);
  if (episode instanceof DomainError) return episode;
  const refusal = firstRefusal(
    () => dischargeReasonRefusal(command.reason, command.reasonText),
    () => notAfterToday(command.dischargedOn, command.at, settings, 'A discharge'),
    () => notBefore(command.dischargedOn, lastVisitDate(state), 'A discharge', 'the last visit'),
    () =>
      sessionsOf(state).some((session) => !session.signed)
        ? new DomainError('SESSION_NOT_SIGNED', 'Sign every session note before discharge; a closed episode only takes addenda.')
        : undefined,
    () => dischargeMeasuresRefusal(requiredDischargeMeasures(state), command.measures),
  );
  if (refusal) return refusal;
  const missed = (kind: 'cancelled' | 'no-show') => state.visits.filter((visit) => visit.kind === kind).length;
  const summary = buildDischargeSummary(
    {
      baseline: state.assessment?.measures ?? [],
      atDischarge: command.measures,
      goals: state.plan?.goals ?? [],
      sessionsDelivered: sessionsOf(state).length,
      noShows: missed('no-show'),
      cancellations: missed('cancelled'),
      ...present('narrative', command.narrative),
    },
    settings,
  );
  const unmet = goalsMetRefusal(command.reason, summary.goals);
  if (unmet) return unmet;
  return [
    {
      type: 'EpisodeDischarged',
      ...stamp(command),
      dischargedOn: command.dischargedOn,
      reason: command.reason,
      ...present('reasonText', command.reasonText),
      summary,
    },
    referralNotice(command, episode.referral, 'discharge-summary'),
  ];
};

/** Cancel is for an episode in which no care was delivered; once sessions exist it ends by discharge. */
export const cancelEpisode: Handler<'CancelEpisode'> = (command, state) => {
  const episode = started(state);
  if (episode instanceof DomainError) return episode;
  if (sessionsOf(episode).length > 0) {
    return new DomainError('INVALID_STATUS_TRANSITION', 'Sessions were delivered in this episode; discharge it instead of cancelling.');
  }
  return [
    { type: 'EpisodeCancelled', ...stamp(command), reason: command.reason },
    referralNotice(command, episode.referral, 'episode-cancelled'),
  ];
};
