import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker } from '@temporalio/worker';
import { createDataConverter } from '@careflow/temporal';
import { historyFixtureKeyring, historyFromObject } from '../support/histories';

/**
 * Histories recorded from the workflow tests (RECORD_HISTORIES=1 npm run test:workflow) are replayed
 * against today's workflow code: a change that would break running episodes fails here first.
 */
const replayOptions = {
  workflowsPath: require.resolve('@careflow/workflows'),
  dataConverter: createDataConverter(historyFixtureKeyring),
};

const load = (name: string) => historyFromObject(JSON.parse(readFileSync(join(__dirname, 'histories', `${name}.json`), 'utf8')));

describe('replay of recorded care-episode histories', () => {
  it.each(['complete-episode', 'progress-report-gate', 'offers-expire-then-escalate'])('replays %s deterministically', async (name) => {
    await expect(Worker.runReplayHistory(replayOptions, load(name), `replay-${name}`)).resolves.toBeUndefined();
  });

  it('fails with a determinism violation on a history whose activity was renamed', async () => {
    await expect(Worker.runReplayHistory(replayOptions, load('altered-activity-type'), 'replay-altered')).rejects.toBeInstanceOf(
      DeterminismViolationError,
    );
  });
});
