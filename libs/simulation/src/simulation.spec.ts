import fc from 'fast-check';
import { type CareEpisodeEvent, decide, defaultDepartmentSettings, evolve, initialState, isDomainError } from '@careflow/domain';
import { simulate } from './engine';
import { currentStaffing, oneMoreOncologyTherapist, parseStaffingPlan } from './plan';
import { buildReport } from './report';
import { summarize } from './summary';

const quarter = { episodes: 150, plan: currentStaffing, startDate: '2025-01-06' } as const;

describe('the simulator', () => {
  it('runs the same quarter from the same seed, and another from another seed', () => {
    const first = summarize(simulate({ ...quarter, seed: 7 }));
    expect(summarize(simulate({ ...quarter, seed: 7 }))).toEqual(first);
    expect(summarize(simulate({ ...quarter, seed: 8 })).waitsDays).not.toEqual(first.waitsDays);
  });

  it('writes the same report, byte for byte, from the same seed', async () => {
    const report = async () =>
      buildReport(
        [currentStaffing, oneMoreOncologyTherapist].map((plan) => ({
          plan,
          summary: summarize(simulate({ ...quarter, episodes: 120, plan, seed: 3 })),
        })),
      );
    const [first, second] = [await report(), await report()];
    expect(second.html).toBe(first.html);
    expect(first.charts.map((chart) => chart.name)).toEqual(['waits', 'waits-by-referral', 'caseloads', 'findings', 'charges']);
    expect(first.html).toContain('<svg');
  });

  it('records only what the domain decided: replaying each trace through decide gives the episode its events', () =>
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const run = simulate({ ...quarter, episodes: 40, seed });
        for (const episode of run.episodes) {
          let state = initialState;
          const events: CareEpisodeEvent[] = [];
          for (const entry of episode.trace) {
            const decision = decide(entry.command, state, defaultDepartmentSettings);
            if (isDomainError(decision)) {
              expect(entry.outcome).toEqual({ refused: decision.code });
              continue;
            }
            expect(entry.outcome).toEqual({ events: decision.map((event) => event.type) });
            state = decision.reduce(evolve, state);
            events.push(...decision);
          }
          expect(events).toEqual(episode.events);
          expect(state).toEqual(episode.state);
          const byProcess = episode.trace.filter((entry) => entry.by === 'process').map((entry) => entry.command.type);
          expect(byProcess.every((type) => type === 'RouteReferral' || type === 'MarkDeadlinePassed')).toBe(true);
        }
      }),
      { numRuns: 5 },
    ));

  it('routes each referral once, and marks deadlines that pass', () => {
    const run = simulate({ ...quarter, episodes: 200, seed: 11 });
    for (const episode of run.episodes) {
      expect(episode.trace.filter((entry) => entry.command.type === 'RouteReferral')).toHaveLength(1);
    }
    const findings = summarize(run).findings;
    expect(findings['NoteSignatureOverdue']).toBeGreaterThan(0);
    expect(findings['CertifiedPeriodEnded']).toBeGreaterThan(0);
  });

  it('refuses a staffing plan that is not valid, naming where and not what', () => {
    expect(() => parseStaffingPlan({ name: 'x', therapists: [{ therapistId: 'Dr Secret Name!' }] })).toThrow(
      'The staffing plan is not valid at: therapists.0.therapistId, therapists.0.providerType, therapists.0.specialtyCertificates, therapists.0.caseloadLimit, therapists.0.sessionsPerDay, therapists.0.workingDays.',
    );
    expect(parseStaffingPlan(JSON.parse(JSON.stringify(currentStaffing)))).toEqual(currentStaffing);
  });
});
