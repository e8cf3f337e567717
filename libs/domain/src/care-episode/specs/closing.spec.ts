import * as f from '../../testing/fixtures';
import { given, malformed } from '../../testing/given-when-then';
import type { Measurement } from '../../rules/outcome-measures';
import type { CommandOf } from '../commands';

const discharge = (overrides: Partial<CommandOf<'DischargeEpisode'>> = {}): CommandOf<'DischargeEpisode'> => ({
  type: 'DischargeEpisode',
  at: f.at('2025-03-20'),
  actor: f.therapist,
  dischargedOn: '2025-03-20',
  reason: 'patient-request',
  measures: [
    { measure: 'NPRS', value: 6 },
    { measure: 'ODI', value: 38 },
  ],
  ...overrides,
});
const cancelEpisode: CommandOf<'CancelEpisode'> = {
  type: 'CancelEpisode',
  at: f.at('2025-03-04'),
  actor: f.lead,
  reason: 'patient moved away',
};
const s1 = f.recordSession('s-1', '2025-03-07');
const signed = [...f.certified(), s1, f.signNote('s-1', f.at('2025-03-07', '18:00'))];

describe('discharge', () => {
  it('needs every baseline and goal measure again', () =>
    given(signed)
      .when(discharge({ measures: [{ measure: 'NPRS', value: 6 }] }))
      .thenRefused('DISCHARGE_SUMMARY_INCOMPLETE', /Oswestry/));

  it('needs the reason written out for "other", and a known reason', () => {
    given(signed)
      .when(discharge({ reason: 'other' }))
      .thenRefused('INVALID_DISCHARGE_REASON');
    given(signed)
      .when(discharge({ reason: 'other', reasonText: 'moved abroad' }))
      .then([{ type: 'EpisodeDischarged', reasonText: 'moved abroad' }, { type: 'ReferringProviderNoticeIssued' }]);
    given(signed)
      .when(malformed({ ...discharge(), reason: 'bored' }))
      .thenRefused('INVALID_DISCHARGE_REASON');
  });

  it('discharges for goals met only when every goal is achieved at the discharge measures, naming those that are not', () => {
    const atDischarge = (nprs: number, odi: number): Measurement[] => [
      { measure: 'NPRS', value: nprs },
      { measure: 'ODI', value: odi },
    ];
    given(signed)
      .when(discharge({ reason: 'goals-met' }))
      .thenRefused('GOALS_NOT_MET', /not achieved: goal-pain, goal-function\./);
    const oneUnmet = given(signed).when(discharge({ reason: 'goals-met', measures: atDischarge(2, 30) }));
    oneUnmet.thenRefused('GOALS_NOT_MET', /not achieved: goal-function\./);
    expect((oneUnmet.result as { details: object }).details).toEqual({ goalIds: 'goal-function' });
    given(signed)
      .when(discharge({ reason: 'goals-met', measures: atDischarge(2, 20) }))
      .then([
        { type: 'EpisodeDischarged', reason: 'goals-met', summary: { goals: [{ status: 'achieved' }, { status: 'achieved' }] } },
        { type: 'ReferringProviderNoticeIssued' },
      ]);
    given(f.accepted())
      .when(discharge({ reason: 'goals-met', measures: [] }))
      .thenRefused('GOALS_NOT_MET', /no plan of care goals/);
  });

  it('needs every note signed, and a date not before the last visit', () => {
    given([...f.certified(), s1])
      .when(discharge())
      .thenRefused('SESSION_NOT_SIGNED');
    given(signed)
      .when(discharge({ dischargedOn: '2025-03-06' }))
      .thenRefused('INVALID_COMMAND', /last visit/);
  });

  it('discharges an episode on hold, before any assessment, without measures', () =>
    given([...f.accepted(), f.recordIntake({ findings: [{ findingId: 'f-1', condition: 'acute-bleeding' } as const] })])
      .when(discharge({ reason: 'contraindication', measures: [], narrative: 'referred back' }))
      .then([
        { type: 'EpisodeDischarged', summary: { measures: [], goals: [], sessionsDelivered: 0, narrative: 'referred back' } },
        { type: 'ReferringProviderNoticeIssued', notice: 'discharge-summary' },
      ]));

  it('closes the episode: only addenda remain possible', () => {
    const closed = [...signed, discharge()];
    given(closed)
      .when(f.recordSession('s-2', '2025-03-21'))
      .thenRefused('EPISODE_CLOSED', /only addenda/);
    given(closed).when(discharge()).thenRefused('EPISODE_CLOSED');
    given(closed)
      .when({ type: 'AddAddendum', at: f.at('2025-03-22'), actor: f.therapist, sessionId: 's-1', addendumId: 'a-1', text: 'late entry' })
      .then([{ type: 'AddendumAdded' }]);
  });
});

describe('cancelling an episode', () => {
  it('cancels an episode in which no care was delivered, with a notice', () => {
    const cancelled = given(f.accepted()).when(cancelEpisode);
    cancelled.then([
      { type: 'EpisodeCancelled', reason: 'patient moved away' },
      { type: 'ReferringProviderNoticeIssued', notice: 'episode-cancelled' },
    ]);
    expect(cancelled.state().status).toBe('cancelled');
  });

  it('refuses once sessions were delivered, and when already closed or never started', () => {
    given([...f.certified(), s1])
      .when(cancelEpisode)
      .thenRefused('INVALID_STATUS_TRANSITION', /discharge/);
    given([...f.accepted(), cancelEpisode])
      .when(cancelEpisode)
      .thenRefused('EPISODE_CLOSED');
    given([]).when(cancelEpisode).thenRefused('EPISODE_NOT_STARTED');
  });
});
