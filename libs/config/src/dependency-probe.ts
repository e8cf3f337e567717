/** What /health and start-up checks report for one server the app depends on. */
export interface DependencyStatus {
  readonly status: 'up' | 'down';
  readonly latencyMs: number;
  readonly error?: string;
}

export class ProbeTimeoutError extends Error {
  override readonly name = 'ProbeTimeoutError';
}

/**
 * Runs one probe with a deadline and measures it. Error text is the error's class and message from the
 * client library (never request data), so it is safe to show.
 */
export const probeDependency = async (probe: () => Promise<unknown>, timeoutMs = 2_000): Promise<DependencyStatus> => {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeoutError(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([probe(), deadline]);
    return { status: 'up', latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (error) {
    return {
      status: 'down',
      latencyMs: Math.round((performance.now() - started) * 10) / 10,
      error: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error',
    };
  } finally {
    clearTimeout(timer);
  }
};
