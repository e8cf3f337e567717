import * as f from '../../testing/fixtures';
import type { CareEpisodeCommand, CommandOf } from '../commands';
import { given, malformed } from '../../testing/given-when-then';

const billing = { userId: 'careflow-billing', role: 'billing' };

const crossing = (overrides: Partial<CommandOf<'RecordTherapyThresholdCrossing'>> = {}): CommandOf<'RecordTherapyThresholdCrossing'> => ({
  type: 'RecordTherapyThresholdCrossing',
  at: f.at('2025-03-10', '02:00'),
  actor: billing,
  payerId: 'payer-1',
  year: 2025,
  threshold: 'targeted-medical-review',
  sessionId: 's-2',
  thresholdCents: 300_000,
  yearToDateBeforeCents: 298_000,
  yearToDateAfterCents: 302_000,
  ...overrides,
});

const billed = [...f.certified(), ...f.dailySessions(2)];

describe('therapy thresholds crossed, as billing reports them', () => {
  it('records the targeted-medical-review crossing on the episode', () =>
    given(billed)
      .when(crossing())
      .then([
        {
          type: 'TherapyThresholdCrossed',
          payerId: 'payer-1',
          year: 2025,
          threshold: 'targeted-medical-review',
          sessionId: 's-2',
          thresholdCents: 300_000,
          yearToDateBeforeCents: 298_000,
          yearToDateAfterCents: 302_000,
          actor: billing,
        },
      ]));

  it('records the KX crossing, including one that reaches the threshold exactly before the day', () =>
    given(billed)
      .when(crossing({ threshold: 'kx', thresholdCents: 241_000, yearToDateBeforeCents: 241_000, yearToDateAfterCents: 241_001 }))
      .then([{ type: 'TherapyThresholdCrossed', threshold: 'kx' }]));

  it('yields nothing for a crossing already recorded for the year, payer and threshold', () => {
    given([...billed, crossing()])
      .when(crossing())
      .then([]);
    given([...billed, crossing()])
      .when(crossing({ sessionId: 's-1' }))
      .then([]);
  });

  it('records each threshold, payer and year once', () => {
    given([...billed, crossing()])
      .when(crossing({ threshold: 'kx', thresholdCents: 241_000, yearToDateBeforeCents: 240_000, yearToDateAfterCents: 244_000 }))
      .then([{ type: 'TherapyThresholdCrossed', threshold: 'kx' }]);
    given([...billed, crossing()])
      .when(crossing({ payerId: 'payer-2' }))
      .then([{ type: 'TherapyThresholdCrossed', payerId: 'payer-2' }]);
  });

  it('still records a crossing after discharge, when the last charges are billed', () => {
    const discharged: CareEpisodeCommand[] = [
      ...billed,
      f.signNote('s-1', f.at('2025-03-09', '17:00')),
      f.signNote('s-2', f.at('2025-03-09', '17:00')),
      {
        type: 'DischargeEpisode',
        at: f.at('2025-03-09', '18:00'),
        actor: f.therapist,
        dischargedOn: '2025-03-09',
        reason: 'goals-met',
        measures: [
          { measure: 'NPRS', value: 2 },
          { measure: 'ODI', value: 18 },
        ],
      },
    ];
    given(discharged)
      .when(crossing())
      .then([{ type: 'TherapyThresholdCrossed' }]);
  });

  it.each([
    ['charges that stay below the threshold', { yearToDateAfterCents: 300_000 }, 'INVALID_BILLING_INPUT', /do not cross/],
    ['charges already above the threshold before the day', { yearToDateBeforeCents: 300_001 }, 'INVALID_BILLING_INPUT', /do not cross/],
    ['a year other than the session’s', { year: 2024 }, 'INVALID_BILLING_INPUT', /not in the year/],
    ['a session not in the episode', { sessionId: 's-9' }, 'SESSION_NOT_FOUND', /s-9/],
    ['a threshold billing does not know', { threshold: 'cap' }, 'INVALID_COMMAND', /threshold/],
    ['fractions of a cent', { yearToDateAfterCents: 302_000.5 }, 'INVALID_COMMAND', /yearToDateAfterCents/],
  ])('refuses %s', (_, overrides, code, message) =>
    given(billed)
      .when(malformed({ ...crossing(), ...overrides }))
      .thenRefused(code as never, message),
  );

  it('is for billing alone, and needs an episode', () => {
    given(billed)
      .when(crossing({ actor: f.therapist }))
      .thenRefused('ROLE_NOT_PERMITTED');
    given([]).when(crossing()).thenRefused('EPISODE_NOT_STARTED');
  });
});
