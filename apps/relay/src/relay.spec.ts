import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import fc from 'fast-check';
import { backoffMs, refusalOf } from './relay';

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

describe('what counts as Kafka refusing a batch (bounded) rather than being away (retried without bound)', () => {
  // kafkajs' constructors take more than its type declarations say: a protocol error's type and
  // retriability, a wrapping error's cause (its retrier wraps like this).
  type Constructor = new (error: Error, options?: { cause?: Error; retryCount?: number; retryTime?: number }) => Error;
  const protocolError = (type: string, retriable: boolean): Error =>
    new KafkaJSProtocolError(Object.assign(new Error(type), { type, code: 10, retriable }));
  const wrapped = (Wrapper: unknown, cause: Error): Error => new (Wrapper as Constructor)(cause, { cause, retryCount: 5, retryTime: 100 });
  const tooLarge = protocolError('MESSAGE_TOO_LARGE', false);

  it('given a non-retriable protocol error, however wrapped, then it is a refusal named by its type', () => {
    expect(refusalOf(tooLarge)).toBe('MESSAGE_TOO_LARGE');
    expect(refusalOf(wrapped(KafkaJSNonRetriableError, tooLarge))).toBe('MESSAGE_TOO_LARGE');
  });

  it('given a lost connection, retries exhausted on it, or a retriable protocol error, then it is Kafka being away', () => {
    const lost = new KafkaJSConnectionError('Connection error: ECONNREFUSED');
    expect(refusalOf(lost)).toBeUndefined();
    expect(refusalOf(wrapped(KafkaJSNumberOfRetriesExceeded, lost))).toBeUndefined();
    expect(refusalOf(wrapped(KafkaJSNumberOfRetriesExceeded, protocolError('NOT_LEADER_FOR_PARTITION', true)))).toBeUndefined();
  });

  it('given a refused authorization or login, then it is Kafka being away: every message would be refused alike until it is fixed', () => {
    expect(refusalOf(wrapped(KafkaJSNonRetriableError, protocolError('TOPIC_AUTHORIZATION_FAILED', false)))).toBeUndefined();
    expect(refusalOf(protocolError('CLUSTER_AUTHORIZATION_FAILED', false))).toBeUndefined();
    expect(refusalOf(protocolError('SASL_AUTHENTICATION_FAILED', false))).toBeUndefined();
  });

  it('given an error that is not Kafka’s, then it is a refusal named by the error’s name', () => {
    expect(refusalOf(new TypeError('bad value'))).toBe('TypeError');
  });
});
