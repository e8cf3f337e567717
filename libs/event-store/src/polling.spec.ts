import { startPolling } from './polling';

/** Fake timers: the loop's waits are asserted exactly, never measured on a busy machine's clock. */
beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  jest.useRealTimers();
});

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('startPolling', () => {
  it('steps again at once while there is progress, and backs off when idle', async () => {
    const steps: number[] = [];
    let progress = 3;
    const start = Date.now();
    const poller = startPolling(
      async () => {
        steps.push(Date.now() - start);
        return progress-- > 0 ? 1 : 0;
      },
      { minDelayMs: 20, maxDelayMs: 80, onError: () => undefined },
    );
    await jest.advanceTimersByTimeAsync(250);
    await poller.stop();

    // Three steps with progress and the first idle one come back to back; then 20, 40, 80, 80 ms apart.
    expect(steps).toEqual([0, 0, 0, 0, 20, 60, 140, 220]);
  });

  it('reports failures, backs off after them, keeps going, and survives a failing error handler', async () => {
    const errors: unknown[] = [];
    const calls: number[] = [];
    const start = Date.now();
    const poller = startPolling(
      async () => {
        calls.push(Date.now() - start);
        if (calls.length <= 2) throw new Error(`step ${calls.length} failed`);
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
    await jest.advanceTimersByTimeAsync(40);
    await poller.stop();
    expect(errors.map((error) => (error as Error).message)).toEqual(['step 1 failed', 'step 2 failed']);
    expect(calls).toEqual([0, 5, 15, 25, 35]);
  });

  it('stops during a long wait without waiting it out, and finishes the step under way first', async () => {
    let finished = 0;
    const poller = startPolling(
      async () => {
        await wait(30);
        finished += 1;
        return 0;
      },
      { minDelayMs: 10_000, maxDelayMs: 10_000, onError: () => undefined },
    );
    await jest.advanceTimersByTimeAsync(10);
    let stopped = false;
    const stopping = poller.stop().then(() => {
      stopped = true;
    });
    await jest.advanceTimersByTimeAsync(19);
    expect({ finished, stopped }).toEqual({ finished: 0, stopped: false });
    await jest.advanceTimersByTimeAsync(1);
    await stopping;
    expect(finished).toBe(1);

    const idle = startPolling(async () => 0, { minDelayMs: 10_000, maxDelayMs: 10_000, onError: () => undefined });
    await jest.advanceTimersByTimeAsync(1);
    let idleStopped = false;
    const idleStopping = idle.stop().then(() => {
      idleStopped = true;
    });
    await jest.advanceTimersByTimeAsync(0);
    expect(idleStopped).toBe(true);
    await idleStopping;
  });
});
