import fc from 'fast-check';
import { backoffMs } from './relay';

describe('backoff while Kafka is unreachable', () => {
  it('for any attempt, the wait is between 0 and the cap', () => {
    fc.assert(
      fc.property(
        fc.nat(10_000),
        fc.integer({ min: 100, max: 300_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (attempt, cap, random) => {
          const wait = backoffMs(attempt, cap, () => random);
          expect(wait).toBeGreaterThanOrEqual(0);
          expect(wait).toBeLessThanOrEqual(cap);
        },
      ),
    );
  });

  it('given successive attempts, the bound doubles from 100 ms until it reaches the cap', () => {
    const bounds = [0, 1, 2, 3, 4, 5, 6].map((attempt) => backoffMs(attempt, 5000, () => 1));

    expect(bounds).toEqual([100, 200, 400, 800, 1600, 3200, 5000]);
  });

  it('given jitter, two relays retrying at the same attempt wait differently', () => {
    expect(backoffMs(4, 5000, () => 0.25)).not.toBe(backoffMs(4, 5000, () => 0.75));
  });
});
