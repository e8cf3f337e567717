/**
 * Test code only. Readers see an event only once every older transaction has ended (they read below
 * `pg_snapshot_xmin`), and workflows, relays and projections act in the background: a test that reads
 * once can find nothing only because another test's transaction is still open. Read again until the
 * check holds or the deadline passes.
 */
export interface PollOptions {
  /** What the test waits for, in its words; the failure names it. */
  readonly what: string;
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
}

export class PollTimeoutError extends Error {
  override readonly name = 'PollTimeoutError';
}

export function pollUntil<T, S extends T>(read: () => Promise<T>, check: (value: T) => value is S, options: PollOptions): Promise<S>;
export function pollUntil<T>(read: () => Promise<T>, check: (value: T) => boolean, options: PollOptions): Promise<T>;
export async function pollUntil<T>(read: () => Promise<T>, check: (value: T) => boolean, options: PollOptions): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const intervalMs = options.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() >= deadline) {
      throw new PollTimeoutError(`${options.what}: not within ${timeoutMs} ms; last seen ${JSON.stringify(value)?.slice(0, 500)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
