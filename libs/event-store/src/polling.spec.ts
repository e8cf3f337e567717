import { startPolling } from './polling';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('startPolling', () => {
  it('steps again at once while there is progress, and backs off when idle', async () => {
    const steps: number[] = [];
    let progress = 3;
    const poller = startPolling(
      async () => {
        steps.push(Date.now());
        return progress-- > 0 ? 1 : 0;
      },
      { minDelayMs: 20, maxDelayMs: 80, onError: () => undefined },
    );
    await sleep(250);
    await poller.stop();

    // Three steps with progress and the first idle one come back to back; then 20, 40, 80, 80 ms
    // apart: about eight steps in 250 ms, where a loop without backoff would make hundreds.
    expect(steps.length).toBeGreaterThanOrEqual(5);
    expect(steps.length).toBeLessThanOrEqual(10);
    const idleGaps = steps.slice(4).map((at, index) => at - (steps[index + 3] as number));
    expect(idleGaps.every((gap) => gap >= 15)).toBe(true);
  });

  it('reports failures, keeps going, and survives a failing error handler', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const poller = startPolling(
      async () => {
        calls += 1;
        if (calls <= 2) throw new Error(`step ${calls} failed`);
        return 0;
      },
      {
        minDelayMs: 5,
        maxDelayMs: 10,
        onError: (error) => {
          errors.push(error);
          throw new Error('the handler fails too');
        },
      },
    );
    await sleep(60);
    await poller.stop();
    expect(errors.map((error) => (error as Error).message)).toEqual(['step 1 failed', 'step 2 failed']);
    expect(calls).toBeGreaterThan(2);
  });

  it('stops promptly during a long wait and finishes the step under way', async () => {
    let finished = 0;
    const poller = startPolling(
      async () => {
        await sleep(30);
        finished += 1;
        return 0;
      },
      { minDelayMs: 10_000, maxDelayMs: 10_000, onError: () => undefined },
    );
    await sleep(10);
    const started = Date.now();
    await poller.stop();
    expect(finished).toBe(1);
    expect(Date.now() - started).toBeLessThan(200);
  });
});
