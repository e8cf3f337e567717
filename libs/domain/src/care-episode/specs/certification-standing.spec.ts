import * as f from '../../testing/fixtures';
import { given } from '../../testing/given-when-then';
import type { CareEpisodeState } from '../state';
import { sessionsOf } from '../state';

/** Evaluation 2025-03-05: a certification is timely through 2025-04-04. */
const awaiting = [...f.planned(), ...f.dailySessions(2)];
const deadlinePassed = f.markDeadline('certification', '2025-04-05T04:00:00.000Z');
const standings = (state: CareEpisodeState) => sessionsOf(state).map((session) => [session.sessionId, session.certificationStanding]);

describe('sessions recorded while the plan awaits its certification', () => {
  it('are recorded as awaiting certification', () =>
    given(f.planned())
      .when(f.recordSession('s-1', '2025-03-07'))
      .then([{ type: 'SessionRecorded', certificationStanding: 'awaiting-certification' }]));

  it('become delinquent, named, when the certification deadline passes', () => {
    const passed = given(awaiting).when(deadlinePassed);
    passed.then([
      { type: 'CertificationDelinquent', dueOn: '2025-04-04' },
      { type: 'SessionsCertificationDelinquent', sessionIds: ['s-1', 's-2'], cause: 'certification-deadline-passed' },
    ]);
    expect(standings(passed.state())).toEqual([
      ['s-1', 'delinquent'],
      ['s-2', 'delinquent'],
    ]);
  });

  it('become delinquent, named, when a written certification arrives late', () =>
    given(awaiting)
      .when(f.certify({ certifiedOn: '2025-04-05', at: f.at('2025-04-05', '08:00') }))
      .then([
        { type: 'PlanOfCareCertified', timely: false },
        { type: 'SessionsCertificationDelinquent', sessionIds: ['s-1', 's-2'], cause: 'late-certification' },
      ]));

  it('become delinquent, named, when a verbal order arrives late', () =>
    given(awaiting)
      .when(f.certify({ kind: 'verbal', certifiedOn: '2025-04-05', at: f.at('2025-04-05', '08:00') }))
      .then([
        { type: 'VerbalOrderReceived', timely: false },
        { type: 'SessionsCertificationDelinquent', sessionIds: ['s-1', 's-2'], cause: 'late-certification' },
      ]));

  it('are certified by a timely certification, with nothing to flag', () => {
    const certified = given(awaiting).when(f.certify({ certifiedOn: '2025-04-04', at: f.at('2025-04-04') }));
    certified.then([{ type: 'PlanOfCareCertified', timely: true }]);
    expect(standings(certified.state())).toEqual([
      ['s-1', 'certified'],
      ['s-2', 'certified'],
    ]);
    const verbal = given(awaiting).when(f.certify({ kind: 'verbal', certifiedOn: '2025-04-04', at: f.at('2025-04-04') }));
    expect(standings(verbal.state())).toEqual([
      ['s-1', 'certified'],
      ['s-2', 'certified'],
    ]);
  });

  it('are named once: a certification arriving after the deadline has none left to flag', () =>
    given([...awaiting, deadlinePassed])
      .when(f.certify({ certifiedOn: '2025-04-06', at: f.at('2025-04-06') }))
      .then([{ type: 'PlanOfCareCertified', timely: false }]));

  it('leave nothing to flag when no session was recorded', () =>
    given(f.planned())
      .when(deadlinePassed)
      .then([{ type: 'CertificationDelinquent' }]));
});
