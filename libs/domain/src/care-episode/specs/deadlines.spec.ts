import { defaultDepartmentSettings } from '../../settings';
import * as f from '../../testing/fixtures';
import { given, replay } from '../../testing/given-when-then';
import { dueDates } from '../due-dates';

const settings = defaultDepartmentSettings;
const thirtyDaySettings = { ...settings, progressReportCalendarDays: 30 };
const authorized = [
  f.receiveReferral({ referral: f.referral({ authorization: { visits: 12, endDate: '2025-04-30' } }) }),
  f.routeReferral(),
  f.acceptOffer(),
  f.recordIntake(),
  f.recordAssessment(),
  f.establishPlan(),
];

describe('due dates', () => {
  it('lists nothing before the referral, and the certification deadlines once a plan exists', () => {
    expect(dueDates(replay([]).state, settings)).toEqual([]);
    expect(dueDates(replay(authorized).state, settings)).toEqual([
      { kind: 'certification', lastDay: '2025-04-04', dueAt: '2025-04-05T04:00:00.000Z' },
      { kind: 'certified-period-end', lastDay: '2025-04-29', dueAt: '2025-04-30T04:00:00.000Z' },
      { kind: 'authorization-end', lastDay: '2025-04-30', dueAt: '2025-05-01T04:00:00.000Z' },
    ]);
  });

  it('lists the verbal-order signature, the calendar progress report and unsigned notes', () => {
    const history = [...authorized, f.certify({ kind: 'verbal' }), f.recordSession('s-1', '2025-03-07')];
    expect(dueDates(replay(history, thirtyDaySettings).state, thirtyDaySettings)).toEqual([
      { kind: 'verbal-order-signature', lastDay: '2025-03-20', dueAt: '2025-03-21T04:00:00.000Z' },
      { kind: 'certified-period-end', lastDay: '2025-04-29', dueAt: '2025-04-30T04:00:00.000Z' },
      { kind: 'progress-report', lastDay: '2025-04-03', dueAt: '2025-04-04T04:00:00.000Z' },
      { kind: 'authorization-end', lastDay: '2025-04-30', dueAt: '2025-05-01T04:00:00.000Z' },
      { kind: 'unsigned-note', sessionId: 's-1', dueAt: '2025-03-08T17:00:00.000Z' },
    ]);
  });
});

describe('deadline events', () => {
  it('marks the certification delinquent on day 31 and flags later charges', () => {
    given(authorized).when(f.markDeadline('certification', '2025-04-05T03:59:59.999Z')).thenRefused('DEADLINE_NOT_REACHED');
    const delinquent = given(authorized).when(f.markDeadline('certification', '2025-04-05T04:00:00.000Z'));
    delinquent.then([{ type: 'CertificationDelinquent', dueOn: '2025-04-04' }]);
    expect(delinquent.state().certification.delinquent).toBe(true);
    const after = [...authorized, f.markDeadline('certification', '2025-04-05T04:00:00.000Z')];
    expect(dueDates(replay(after).state, settings).map((due) => due.kind)).not.toContain('certification');
    given(after).when(f.markDeadline('certification', '2025-04-06T04:00:00.000Z')).thenRefused('DEADLINE_NOT_PENDING');
  });

  it('marks an unsigned verbal order delinquent after 14 days', () =>
    given([...authorized, f.certify({ kind: 'verbal' })])
      .when(f.markDeadline('verbal-order-signature', '2025-03-21T04:00:00.000Z'))
      .then([{ type: 'VerbalOrderDelinquent', dueOn: '2025-03-20' }]));

  it('ends the certified period', () =>
    given(authorized)
      .when(f.markDeadline('certified-period-end', '2025-04-30T04:00:00.000Z'))
      .then([{ type: 'CertifiedPeriodEnded', periodEnd: '2025-04-29' }]));

  it('marks the calendar progress report due when the department uses one', () => {
    // The evaluation day (2025-03-05) is day 1 of 30: the report is due through 2025-04-03.
    given(authorized, thirtyDaySettings)
      .when(f.markDeadline('progress-report', '2025-04-04T03:59:59.999Z'))
      .thenRefused('DEADLINE_NOT_REACHED');
    given(authorized, thirtyDaySettings)
      .when(f.markDeadline('progress-report', '2025-04-04T04:00:00.000Z'))
      .then([{ type: 'ProgressReportDue', basis: 'calendar-days' }]);
    given(authorized).when(f.markDeadline('progress-report', '2025-04-05T04:00:00.000Z')).thenRefused('DEADLINE_NOT_PENDING');
  });

  it('ends the authorization', () =>
    given(authorized)
      .when(f.markDeadline('authorization-end', '2025-05-01T04:00:00.000Z'))
      .then([{ type: 'AuthorizationEnded', endDate: '2025-04-30' }]));

  it('flags a note unsigned after 24 hours (setting), once', () => {
    const recorded = [...authorized, f.recordSession('s-1', '2025-03-07')];
    given(recorded)
      .when(f.markDeadline('unsigned-note', '2025-03-08T16:59:59.000Z', 's-1'))
      .thenRefused('DEADLINE_NOT_REACHED');
    given(recorded)
      .when(f.markDeadline('unsigned-note', '2025-03-08T17:00:00.000Z', 's-2'))
      .thenRefused('DEADLINE_NOT_PENDING');
    const overdue = [...recorded, f.markDeadline('unsigned-note', '2025-03-08T17:00:00.000Z', 's-1')];
    given(recorded)
      .when(f.markDeadline('unsigned-note', '2025-03-08T17:00:00.000Z', 's-1'))
      .then([{ type: 'NoteSignatureOverdue', sessionId: 's-1', overdueSince: '2025-03-08T17:00:00.000Z' }]);
    expect(dueDates(replay(overdue).state, settings).map((due) => due.kind)).not.toContain('unsigned-note');
    const twelveHours = { ...settings, unsignedNoteHours: 12 };
    expect(dueDates(replay(recorded).state, twelveHours).find((due) => due.kind === 'unsigned-note')?.dueAt).toBe(
      '2025-03-08T05:00:00.000Z',
    );
  });
});
