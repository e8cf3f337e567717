/**
 * A command that arrives while the new referral's routing is still reading the therapist directory
 * waits for it, then applies. The episode must notice what that command did: a cancelled episode
 * ends its workflow instead of waiting forever for a deadline it no longer has.
 */
import { WorkflowUpdateStage } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { submitCommandUpdate } from '@careflow/contracts';
import { uniqueSuffix } from '../support/env';
import { createEpisodeWorker, type EpisodeHarness, lead, startEpisode, startHarness, therapistProfile } from '../support/episode-harness';

const outcomeWithin = async <T>(promise: Promise<T>, ms: number): Promise<T | 'still running'> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'still running'>((resolve) => {
    timer = setTimeout(() => resolve('still running'), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
};

describe('a command sent while routing is under way', () => {
  let harness: EpisodeHarness;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = `care-episodes-slow-routing-${uniqueSuffix()}`;
  let routingAsked: () => void = () => undefined;
  let releaseRouting: () => void = () => undefined;
  const asked = new Promise<void>((resolve) => {
    routingAsked = resolve;
  });
  const released = new Promise<void>((resolve) => {
    releaseRouting = resolve;
  });

  beforeAll(async () => {
    harness = await startHarness();
    worker = await createEpisodeWorker(harness, {
      taskQueue,
      workflowsPath: require.resolve('@careflow/workflows'),
      therapistDirectory: {
        findRoutingCandidates: async () => {
          routingAsked();
          await released;
          return { therapists: [therapistProfile('t-1')], previousTherapistIds: [] };
        },
      },
    });
    running = worker.run();
  });

  afterAll(async () => {
    releaseRouting();
    worker?.shutdown();
    await running;
    await harness?.teardown();
  });

  it('applies a cancellation that waited for routing, and the workflow ends cancelled', async () => {
    const episode = await startEpisode(harness, { taskQueue });
    await asked;
    const now = new Date(await harness.env.currentTimeMs()).toISOString();
    const cancelling = await episode.handle.startUpdate(submitCommandUpdate, {
      args: [{ type: 'CancelEpisode', at: now, actor: lead, reason: 'patient moved away' }],
      waitForStage: WorkflowUpdateStage.ACCEPTED,
    });
    releaseRouting();

    expect((await cancelling.result()).events.map((event) => event.type)).toContain('EpisodeCancelled');
    expect(await outcomeWithin(episode.handle.result(), 30_000)).toBe('cancelled');
  });
});
