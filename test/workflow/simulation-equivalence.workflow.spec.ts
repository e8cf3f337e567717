import { type EpisodeHarness, startHarness } from '../support/episode-harness';
import {
  coveredFeatures,
  projectEvent,
  projectSimulated,
  runOnServer,
  sampleEpisodes,
  simulateFromServerTime,
} from '../support/simulation-replay';

/**
 * The simulator's claim (docs/simulation.md): it runs the same process as the workflow. A sample of
 * simulated episodes is sent, command by command at its simulated instant, to the real workflow on
 * the time-skipping server; each must append the same event types in the same order with the same
 * clinical dates, and every command must be accepted or refused (with the same code) as simulated.
 */
describe('the simulator against the real workflow', () => {
  let harness: EpisodeHarness;

  beforeAll(async () => {
    harness = await startHarness();
  });

  afterAll(async () => {
    await harness?.teardown();
  });

  it('yields the same events with the same clinical dates for 24 simulated episodes', async () => {
    const run = await simulateFromServerTime(harness, { seed: 12, episodes: 1000 });
    const sample = sampleEpisodes(run, 24);
    expect(sample.length).toBeGreaterThanOrEqual(20);
    expect(coveredFeatures(sample)).toEqual(
      expect.arrayContaining(['OfferExpired', 'RoutingEscalated', 'CertificationDelinquent', 'PlateauDetected', 'NoteSignatureOverdue']),
    );
    expect(
      sample.some((episode) =>
        episode.trace.some((entry) => 'refused' in entry.outcome && entry.outcome.refused === 'PROGRESS_REPORT_OVERDUE'),
      ),
    ).toBe(true);

    const server = await runOnServer(harness, run, sample);

    for (const episode of sample) {
      expect({ episode: episode.episodeId, events: server.events.get(episode.episodeId) }).toEqual({
        episode: episode.episodeId,
        events: projectSimulated(episode),
      });
    }
    expect(server.outcomeMismatches).toEqual([]);
  }, 900_000);

  it('tells apart two episodes that differ in one clinical date', () => {
    const certified = { type: 'CertificationDelinquent', dueOn: '2027-01-04', at: '2027-01-05T05:00:00.000Z' };
    expect(projectEvent(certified.type, certified)).toBe('CertificationDelinquent 2027-01-04');
    expect(projectEvent(certified.type, { ...certified, dueOn: '2027-01-05' })).not.toBe(projectEvent(certified.type, certified));
  });
});
