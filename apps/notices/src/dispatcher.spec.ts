import { retryDelayMs } from './dispatcher';

const policy = { maxAttempts: 8, baseMs: 1_000, maxMs: 30_000 };

describe('the wait before a notice is tried again', () => {
  it('doubles per failed attempt, between half and all of it (jitter), up to the cap', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, policy, () => 0))).toEqual([500, 1_000, 2_000, 4_000]);
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, policy, () => 1))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(retryDelayMs(6, policy, () => 1)).toBe(30_000);
    expect(retryDelayMs(60, policy, () => 0.5)).toBe(22_500);
  });

  it('spreads notices that failed together', () => {
    const waits = new Set(Array.from({ length: 50 }, () => retryDelayMs(3, policy)));
    expect(waits.size).toBeGreaterThan(10);
    for (const wait of waits) {
      expect(wait).toBeGreaterThanOrEqual(2_000);
      expect(wait).toBeLessThanOrEqual(4_000);
    }
  });
});
