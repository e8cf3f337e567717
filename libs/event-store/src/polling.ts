export interface PollingOptions {
  /** First wait once caught up (or after a failure); doubles up to maxDelayMs. */
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Called with every failed step; the loop backs off and goes on. */
  readonly onError: (error: unknown) => void;
}

export interface RunningPoller {
  /** Finishes the step under way, then stops; resolves when the loop has ended. */
  stop(): Promise<void>;
}

/**
 * Runs `step` over and over: at once while it reports progress (a positive count), with a doubling
 * wait while it finds nothing to do or fails.
 */
export const startPolling = (step: () => Promise<number>, options: PollingOptions): RunningPoller => {
  const minDelayMs = options.minDelayMs ?? 100;
  const maxDelayMs = options.maxDelayMs ?? 5000;
  let stopped = false;
  let wake: (() => void) | null = null;

  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        wake = null;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        wake = null;
        resolve();
      };
    });

  // The loop must outlive a failing error handler too.
  const report = (error: unknown): void => {
    try {
      options.onError(error);
    } catch {
      // Nothing left to tell; the next step retries anyway.
    }
  };

  const loop = async (): Promise<void> => {
    let delay = 0;
    while (!stopped) {
      try {
        const progress = await step();
        delay = progress > 0 ? 0 : Math.min(Math.max(delay * 2, minDelayMs), maxDelayMs);
      } catch (error) {
        report(error);
        delay = Math.min(Math.max(delay * 2, minDelayMs), maxDelayMs);
      }
      if (delay > 0 && !stopped) await pause(delay);
    }
  };

  const done = loop();
  return {
    stop: async () => {
      stopped = true;
      wake?.();
      await done;
    },
  };
};
