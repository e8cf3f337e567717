/**
 * `npm run bench -- simulate` (issue 12, benchmark B10's simulator half): a quarter of 1,000
 * episodes in the simulator, and episodes per second against the Temporal time-skipping server
 * running a sample of the same run's episodes through the real workflow (test/support/simulation-replay.ts).
 */
import { currentStaffing, simulate, summarize } from '@careflow/simulation';
import { startHarness } from '../support/episode-harness';
import { runOnServer, sampleEpisodes, simulateFromServerTime } from '../support/simulation-replay';
import { type BenchContext, type BenchRow, round } from './bench';

const episodes = 1000;
const serverSample = 20;

export default async function simulateBench({ log }: BenchContext): Promise<BenchRow[]> {
  const quarterStarted = performance.now();
  const quarter = simulate({ seed: 20_261, episodes, plan: currentStaffing, startDate: '2025-01-06' });
  const summary = summarize(quarter);
  const quarterSeconds = (performance.now() - quarterStarted) / 1000;
  const commands = quarter.episodes.reduce((sum, episode) => sum + episode.trace.length, 0);
  log(
    `simulator: ${episodes} episodes, ${commands} commands, ${summary.visits} visits through ${summary.endDate} in ${round(quarterSeconds)} s`,
  );

  const harness = await startHarness();
  try {
    const run = await simulateFromServerTime(harness, { seed: 20_261, episodes });
    const sample = sampleEpisodes(run, serverSample);
    const sampleCommands = sample.reduce((sum, episode) => sum + episode.trace.length, 0);
    const server = await runOnServer(harness, run, sample);
    const serverSeconds = server.wallMs / 1000;
    log(
      `time-skipping server: ${sample.length} of the same run's episodes, ${sampleCommands} commands (${server.commands} sent from outside) in ${round(serverSeconds)} s`,
    );
    if (server.outcomeMismatches.length > 0) throw new Error('The server answered a simulated command otherwise than the simulator.');
    const simulatorRate = episodes / quarterSeconds;
    const serverRate = sample.length / serverSeconds;
    return [
      {
        metric: `simulated quarter of ${episodes} episodes (s)`,
        ours: round(quarterSeconds),
        peer: null,
        peerName: null,
        ratio: null,
        target: '< 30 s',
      },
      {
        metric: 'episodes per second (simulator vs time-skipping server, same run)',
        ours: round(simulatorRate),
        peer: round(serverRate, 3),
        peerName: `time-skipping server (${sample.length}-episode sample)`,
        ratio: round(simulatorRate / serverRate, 1),
        target: null,
      },
      {
        metric: 'commands per second (simulator vs time-skipping server, same run)',
        ours: round(commands / quarterSeconds),
        peer: round(sampleCommands / serverSeconds),
        peerName: `time-skipping server (${sample.length}-episode sample)`,
        ratio: round(commands / quarterSeconds / (sampleCommands / serverSeconds), 1),
        target: null,
      },
    ];
  } finally {
    await harness.teardown();
  }
}
