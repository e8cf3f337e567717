import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeterminismViolationError } from '@temporalio/workflow';
import { type ReplayResult, Worker } from '@temporalio/worker';
import { createDataConverter } from '@careflow/temporal';
import { historyFixtureKeyring, historyFixtureNamespace, historyFromObject } from '../support/histories';

/**
 * Histories recorded from the workflow tests (RECORD_HISTORIES=1 npm run test:workflow) are replayed
 * against today's workflow code: a change that would break running episodes fails here first.
 * One replay worker replays them all (the SDK's way for many histories, and one native runtime).
 */
const episodes = ['complete-episode', 'progress-report-gate', 'offers-expire-then-escalate'];
// Recorded before the activities became local activities: such episodes may still be running.
const recorded = [...episodes, ...episodes.map((name) => `scheduled-activities/${name}`)];
const altered = 'altered-activity-type';

const load = (name: string) => historyFromObject(JSON.parse(readFileSync(join(__dirname, 'histories', `${name}.json`), 'utf8')));

describe('replay of recorded care-episode histories', () => {
  const results = new Map<string, ReplayResult>();

  beforeAll(async () => {
    const histories = [...recorded, altered].map((name) => ({ workflowId: name, history: load(name) }));
    const options = {
      workflowsPath: require.resolve('@careflow/workflows'),
      dataConverter: createDataConverter(historyFixtureKeyring, historyFixtureNamespace),
    };
    for await (const result of Worker.runReplayHistories(options, histories)) results.set(result.workflowId, result);
  });

  it.each(recorded)('replays %s deterministically', (name) => {
    expect(results.get(name)).toEqual({ workflowId: name, runId: expect.any(String), error: undefined });
  });

  it('fails with a determinism violation on a history whose activity was renamed', () => {
    expect(results.get(altered)?.error).toBeInstanceOf(DeterminismViolationError);
  });
});
