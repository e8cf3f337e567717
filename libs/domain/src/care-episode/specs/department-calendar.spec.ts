/**
 * Calendar days are the department's local days (its IANA time zone), never UTC's: "today", "the
 * same day" and the day a deadline ends. The default department is in New York; 2025-03-07 is
 * Eastern Standard Time (UTC-5), 2025-04-04 Eastern Daylight Time (UTC-4).
 */
import { defaultDepartmentSettings, type DepartmentSettings } from '../../settings';
import * as f from '../../testing/fixtures';
import { given, replay } from '../../testing/given-when-then';
import type { CommandOf } from '../commands';
import { dueDates } from '../due-dates';

const newYork = defaultDepartmentSettings;
const losAngeles: DepartmentSettings = { ...defaultDepartmentSettings, timeZone: 'America/Los_Angeles' };
const tokyo: DepartmentSettings = { ...defaultDepartmentSettings, timeZone: 'Asia/Tokyo' };
const pause = (when: string): CommandOf<'PauseSession'> => ({
  type: 'PauseSession',
  at: when,
  actor: f.therapist,
  sessionId: 's-1',
  reason: 'patient called to radiology',
});
const resume = (when: string): CommandOf<'ResumeSession'> => ({
  type: 'ResumeSession',
  at: when,
  actor: f.therapist,
  sessionId: 's-1',
  continuation: { lines: [{ code: '97140', minutes: 10, bodyRegions: ['lower-back'] }], techniques: ['myofascial-release'], pressure: [] },
});

describe("the department's calendar day", () => {
  const recorded = [...f.certified(), f.recordSession('s-1', '2025-03-07')];

  it('lets a session paused and resumed in the evening in New York count as the same day, though UTC has moved on', () => {
    given(recorded)
      .when(pause('2025-03-08T00:30:00.000Z'))
      .then([{ type: 'SessionPaused', sessionId: 's-1' }]);
    given([...recorded, pause('2025-03-08T00:30:00.000Z')])
      .when(resume('2025-03-08T04:59:59.000Z'))
      .then([{ type: 'SessionResumed', sessionId: 's-1' }]);
  });

  it("refuses to pause after the department's midnight", () =>
    given(recorded)
      .when(pause('2025-03-08T05:00:00.000Z'))
      .thenRefused('INVALID_SESSION', /paused on the day/));

  it("refuses a session dated tomorrow by the department's calendar, though UTC already has that date", () =>
    given(f.certified())
      .when(f.recordSession('s-1', '2025-03-07', {}, '2025-03-07T03:00:00.000Z'))
      .thenRefused('INVALID_COMMAND', /cannot be later than the day it is recorded/));

  it("accepts a session dated today by the department's calendar, though UTC is still on the day before", () =>
    given(f.certified(), tokyo)
      .when(f.recordSession('s-1', '2025-03-07', {}, '2025-03-06T20:00:00.000Z'))
      .then([{ type: 'SessionRecorded', sessionId: 's-1' }]));

  it('screens a finding against the local day of the intake', () => {
    // 21:00 in New York on 03-04 is 02:00 UTC on 03-05; a DVT of 2025-02-04 is within 4 weeks only locally.
    const history = given(f.accepted()).when(
      f.recordIntake(
        { findings: [{ findingId: 'dvt-1', condition: 'deep-vein-thrombosis', occurredOn: '2025-02-04' }] },
        '2025-03-05T02:00:00.000Z',
      ),
    );
    history.then([
      { type: 'IntakeRecorded' },
      { type: 'ContraindicationFlagged' },
      { type: 'EpisodePutOnHold' },
      { type: 'ClearanceRequested' },
    ]);
  });
});

describe("deadlines pass at the department's midnight", () => {
  it('arms a date deadline for the end of the local day, in daylight saving time too', () => {
    const state = replay(f.planned()).state;
    expect(dueDates(state, newYork).find((due) => due.kind === 'certification')).toEqual({
      kind: 'certification',
      lastDay: '2025-04-04',
      dueAt: '2025-04-05T04:00:00.000Z',
    });
    expect(dueDates(replay(f.planned(), losAngeles).state, losAngeles).find((due) => due.kind === 'certification')?.dueAt).toBe(
      '2025-04-05T07:00:00.000Z',
    );
  });

  it('refuses the deadline one moment before the local midnight', () => {
    given(f.planned()).when(f.markDeadline('certification', '2025-04-05T03:59:59.999Z')).thenRefused('DEADLINE_NOT_REACHED');
    given(f.planned())
      .when(f.markDeadline('certification', '2025-04-05T04:00:00.000Z'))
      .then([{ type: 'CertificationDelinquent', dueOn: '2025-04-04' }]);
  });
});

describe("the department's time zone setting", () => {
  it('refuses a command under a department whose time zone is unknown, without echoing it', () => {
    const unknown: DepartmentSettings = { ...defaultDepartmentSettings, timeZone: 'Mars/Olympus_Mons' };
    const result = given([], unknown).when(f.receiveReferral());
    result.thenRefused('INVALID_SETTINGS', /^The department's time zone is not a known time-zone name/);
    expect(JSON.stringify(result.result)).not.toContain('Mars');
  });

  it('reads settings recorded before departments had a time zone as UTC, so replayed episodes decide as they did', () => {
    const { timeZone: _dropped, ...recordedBefore } = defaultDepartmentSettings;
    const legacy = recordedBefore as DepartmentSettings;
    const recorded = [...f.certified(), f.recordSession('s-1', '2025-03-07')];
    given(recorded, legacy).when(pause('2025-03-08T00:30:00.000Z')).thenRefused('INVALID_SESSION');
    expect(dueDates(replay(f.planned(), legacy).state, legacy).find((due) => due.kind === 'certification')?.dueAt).toBe(
      '2025-04-05T00:00:00.000Z',
    );
  });
});
