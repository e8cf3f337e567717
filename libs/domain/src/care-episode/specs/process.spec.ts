import fc from 'fast-check';
import { defaultDepartmentSettings } from '../../settings';
import * as f from '../../testing/fixtures';
import { given, replay } from '../../testing/given-when-then';
import { decide } from '../decide';
import { dueDates } from '../due-dates';
import {
  awaitsRouting,
  deadlinePassed,
  nextDeadline,
  noSettledDeadlines,
  routeReferral,
  settleDeadline,
  waitForDeadlineMs,
} from '../process';

const settings = defaultDepartmentSettings;
const candidates = { therapists: f.routeReferral().therapists, previousTherapistIds: [] };

describe('the care-episode process between commands', () => {
  it('routes a referral once, as soon as it is received', () => {
    expect(awaitsRouting(replay([]).state)).toBe(false);
    const received = replay([f.receiveReferral()]).state;
    expect(awaitsRouting(received)).toBe(true);
    const route = routeReferral('2025-03-03T09:00:00.000Z', candidates);
    given([f.receiveReferral()])
      .when(route)
      .then([{ type: 'ReferralRouted' }, { type: 'TherapistOffered', therapistId: 't-1' }]);
    expect(awaitsRouting(replay([f.receiveReferral(), route]).state)).toBe(false);
  });

  it('waits for the offer to expire first, and when it passes offers to the next candidate', () => {
    const offered = [f.receiveReferral(), routeReferral('2025-03-03T09:00:00.000Z', candidates)];
    const due = { kind: 'offer-expiry', dueAt: '2025-03-04T09:00:00.000Z', therapistId: 't-1' } as const;
    expect(nextDeadline(replay(offered).state, settings, noSettledDeadlines)).toEqual(due);
    given(offered)
      .when(deadlinePassed(due, due.dueAt))
      .then([
        { type: 'OfferExpired', therapistId: 't-1' },
        { type: 'TherapistOffered', therapistId: 't-2' },
      ]);
  });

  it('waits for the earliest open deadline, and skips one already settled', () => {
    const state = replay(f.planned()).state;
    const certification = { kind: 'certification', lastDay: '2025-04-04', dueAt: '2025-04-05T04:00:00.000Z' } as const;
    expect(nextDeadline(state, settings, noSettledDeadlines)).toEqual(certification);
    expect(nextDeadline(state, settings, settleDeadline(noSettledDeadlines, certification))).toMatchObject({
      kind: 'certified-period-end',
    });
  });

  it('marks a passed session note deadline with its session', () => {
    const state = replay([...f.certified(), f.recordSession('s-1', '2025-03-07')]).state;
    const note = { kind: 'unsigned-note', sessionId: 's-1', dueAt: '2025-03-08T17:00:00.000Z' } as const;
    expect(dueDates(state, settings)).toContainEqual(note);
    expect(deadlinePassed(note, note.dueAt)).toMatchObject({ type: 'MarkDeadlinePassed', deadline: 'unsigned-note', sessionId: 's-1' });
  });

  it('waits at least 1 ms, even for a deadline already passed', () => {
    const due = { kind: 'certification', dueAt: '2025-04-05T04:00:00.000Z' } as const;
    expect(waitForDeadlineMs(due, Date.parse('2025-04-05T03:00:00.000Z'))).toBe(3_600_000);
    expect(waitForDeadlineMs(due, Date.parse('2025-04-06T00:00:00.000Z'))).toBe(1);
  });

  it('waits for the earliest deadline not settled, which the domain accepts as passed once it is due', () =>
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 3 }), (sessions, settledCount) => {
        const history = [...f.certified(), ...f.dailySessions(sessions)];
        const state = replay(history).state;
        let settled = noSettledDeadlines;
        for (let index = 0; index < settledCount; index += 1) {
          const due = nextDeadline(state, settings, settled);
          if (due) settled = settleDeadline(settled, due);
        }
        const due = nextDeadline(state, settings, settled);
        if (due === undefined) return;
        const earlier = dueDates(state, settings).filter((other) => Date.parse(other.dueAt) < Date.parse(due.dueAt));
        expect(earlier.every((other) => settleDeadline(settled, other).size === settled.size)).toBe(true);
        expect(Array.isArray(decide(deadlinePassed(due, due.dueAt), state, settings))).toBe(true);
      }),
      { numRuns: 50 },
    ));
});
