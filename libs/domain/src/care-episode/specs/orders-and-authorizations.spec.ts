import { defaultDepartmentSettings } from '../../settings';
import * as f from '../../testing/fixtures';
import { given } from '../../testing/given-when-then';
import type { CareEpisodeCommand, CommandOf } from '../commands';
import { dueDates } from '../due-dates';

const billing = { userId: 'user-billing-1', role: 'billing' };

const renewOrder = (orderedOn: string, overrides: Partial<CommandOf<'RenewOrder'>> = {}): CommandOf<'RenewOrder'> => ({
  type: 'RenewOrder',
  at: f.at(orderedOn, '11:00'),
  actor: f.scheduler,
  orderedBy: f.physician,
  orderedOn,
  ...overrides,
});

const recordAuthorization = (
  change: { addedVisits?: number; endDate?: string },
  when = f.at('2025-03-10', '08:00'),
): CommandOf<'RecordAuthorization'> => ({
  type: 'RecordAuthorization',
  at: when,
  actor: billing,
  ...change,
});

/** The referral of the fixtures with a payer authorization, through certification. */
const certifiedWith = (authorization: { visits?: number; endDate?: string }): CareEpisodeCommand[] => [
  f.receiveReferral({ referral: f.referral({ authorization }) }),
  ...f.certified().slice(1),
];

describe('renewing an expired order', () => {
  const oldOrder = [
    f.receiveReferral({ referral: f.referral({ referralDate: '2025-01-10' }) }),
    f.routeReferral(),
    f.acceptOffer(),
    f.recordIntake(),
  ];
  const lateAssessment = f.recordAssessment({ assessedOn: '2025-04-11' }, f.at('2025-04-11'));

  it('lets care start after the renewal that was refused before it', () => {
    given(oldOrder)
      .when(lateAssessment)
      .thenRefused('REFERRAL_EXPIRED', /record the renewed order/);
    given([...oldOrder, renewOrder('2025-04-10')])
      .when(lateAssessment)
      .then([{ type: 'AssessmentRecorded' }]);
  });

  it('restarts the validity from the renewal and tells the referring provider', () =>
    given(oldOrder)
      .when(renewOrder('2025-04-10', { orderedBy: { ...f.physician, credential: 'd.o.' } }))
      .then([
        { type: 'OrderRenewed', orderedOn: '2025-04-10', validThrough: '2025-07-09', orderedBy: { credential: 'DO' } },
        { type: 'ReferringProviderNoticeIssued', notice: 'order-renewed', referralId: 'referral-1', referringProviderNpi: f.validNpi },
      ]));

  it.each([
    ['a chiropractor', { orderedBy: { ...f.physician, credential: 'D.C.' } }, 'CERTIFIER_NOT_QUALIFIED'],
    ['an invalid NPI', { orderedBy: { ...f.physician, npi: '1234567890' } }, 'INVALID_NPI'],
    ['a date in the future', { orderedOn: '2025-04-11' }, 'INVALID_COMMAND'],
    ['a date before the order it renews', { orderedOn: '2025-01-09' }, 'INVALID_COMMAND'],
    ['a renewal itself older than the validity', { orderedOn: '2025-01-10', at: f.at('2025-04-11') }, 'REFERRAL_EXPIRED'],
  ] as const)('refuses %s', (_, overrides, code) => given(oldOrder).when(renewOrder('2025-04-10', overrides)).thenRefused(code));

  it('needs a referral, and is not for the therapist to record', () => {
    given([]).when(renewOrder('2025-04-10')).thenRefused('EPISODE_NOT_STARTED');
    given(oldOrder)
      .when(renewOrder('2025-04-10', { actor: f.therapist }))
      .thenRefused('ROLE_NOT_PERMITTED');
  });
});

describe('a new or extended authorization', () => {
  it('accepts the session refused for used-up visits once visits are added', () => {
    const usedUp = [...certifiedWith({ visits: 2 }), ...f.dailySessions(2)];
    given(usedUp)
      .when(f.recordSession('s-3', '2025-03-09'))
      .thenRefused('AUTHORIZATION_EXHAUSTED', /new authorization/);
    given(usedUp)
      .when(recordAuthorization({ addedVisits: 4 }))
      .then([
        { type: 'AuthorizationRecorded', addedVisits: 4, authorization: { visits: 6 } },
        { type: 'ReferringProviderNoticeIssued', notice: 'authorization-recorded', referralId: 'referral-1' },
      ]);
    given([...usedUp, recordAuthorization({ addedVisits: 4 })])
      .when(f.recordSession('s-3', '2025-03-09'))
      .then([{ type: 'SessionRecorded' }]);
  });

  it('accepts the session refused after the end date once the end date moves', () => {
    const ended = certifiedWith({ visits: 12, endDate: '2025-03-08' });
    given(ended).when(f.recordSession('s-1', '2025-03-09')).thenRefused('AUTHORIZATION_EXPIRED');
    given(ended)
      .when(recordAuthorization({ endDate: '2025-03-31' }))
      .then([
        { type: 'AuthorizationRecorded', endDate: '2025-03-31', authorization: { visits: 12, endDate: '2025-03-31' } },
        { type: 'ReferringProviderNoticeIssued' },
      ]);
    given([...ended, recordAuthorization({ endDate: '2025-03-31' })])
      .when(f.recordSession('s-1', '2025-03-09'))
      .then([{ type: 'SessionRecorded' }]);
  });

  it('counts added visits from the visits used when no visit limit applied so far', () =>
    given([...certifiedWith({ endDate: '2025-04-30' }), ...f.dailySessions(3)])
      .when(recordAuthorization({ addedVisits: 5 }))
      .then([
        { type: 'AuthorizationRecorded', authorization: { visits: 8, endDate: '2025-04-30' } },
        { type: 'ReferringProviderNoticeIssued' },
      ]));

  it('records a first authorization on an episode that had none', () =>
    given(f.accepted())
      .when(recordAuthorization({ addedVisits: 10, endDate: '2025-05-31' }, f.at('2025-03-03', '13:00')))
      .then([
        { type: 'AuthorizationRecorded', authorization: { visits: 10, endDate: '2025-05-31' } },
        { type: 'ReferringProviderNoticeIssued' },
      ]));

  it('re-arms the authorization-end deadline for a later end date, not for added visits alone', () => {
    const settings = defaultDepartmentSettings;
    const passed = [
      ...certifiedWith({ visits: 12, endDate: '2025-03-08' }),
      f.markDeadline('authorization-end', '2025-03-09T05:00:00.000Z'),
    ];
    const authorizationEnd = (state: Parameters<typeof dueDates>[0]) =>
      dueDates(state, settings).find((due) => due.kind === 'authorization-end');
    expect(
      authorizationEnd(
        given(passed)
          .when(recordAuthorization({ endDate: '2025-03-31' }))
          .state(),
      ),
    ).toEqual({
      kind: 'authorization-end',
      lastDay: '2025-03-31',
      dueAt: '2025-04-01T04:00:00.000Z',
    });
    expect(
      authorizationEnd(
        given(passed)
          .when(recordAuthorization({ addedVisits: 2 }))
          .state(),
      ),
    ).toBeUndefined();
  });

  it.each([
    ['neither visits nor an end date', {}, /visits added, a new end date, or both/],
    ['an end date that is not later', { endDate: '2025-04-30' }, /later than the current one/],
  ])('refuses %s', (_, change, message) =>
    given(certifiedWith({ visits: 12, endDate: '2025-04-30' }))
      .when(recordAuthorization(change))
      .thenRefused('INVALID_COMMAND', message),
  );

  it('refuses no visits added, a therapist recording it, and a closed or missing episode', () => {
    given(f.certified())
      .when(recordAuthorization({ addedVisits: 0 }))
      .thenRefused('INVALID_COMMAND', /addedVisits/);
    given(f.certified())
      .when({ ...recordAuthorization({ addedVisits: 2 }), actor: f.therapist })
      .thenRefused('ROLE_NOT_PERMITTED');
    given([])
      .when(recordAuthorization({ addedVisits: 2 }))
      .thenRefused('EPISODE_NOT_STARTED');
  });
});
