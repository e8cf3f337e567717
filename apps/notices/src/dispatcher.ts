/**
 * Delivers the pending notices after the consumer committed them (docs/notices.md): each due notice
 * is claimed for one attempt, its content read from the store, built into a Communication, checked
 * and sent through the delivery port; then it is delivered, retried later (backoff with jitter) or,
 * once its attempts are spent or the receiver refused it for good, dead-lettered.
 */
import type { Communication } from 'fhir/r4';
import type { Sql } from 'postgres';
import { safeError, type Logger } from '@careflow/config';
import { referrerCommunication, type Sender } from './communication';
import type { ReferrerNoticeDelivery } from './delivery';
import {
  claimDueNotices,
  markDeadLettered,
  markDelivered,
  readNoticeContent,
  scheduleRetry,
  type ClaimedNotice,
  type DeliveryFailure,
} from './notices';

/**
 * Checks a Communication before it leaves and names what is wrong (paths, never values); the hook
 * for a real FHIR validator. A notice that fails it is dead-lettered, never sent.
 */
export type CommunicationCheck = (communication: Communication) => readonly string[];

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
}

/**
 * The wait after failed attempt `attempt` (from 1): doubled each time up to the cap, then "equal
 * jitter" (half fixed, half random), so notices that failed together do not all return together.
 */
export const retryDelayMs = (attempt: number, policy: RetryPolicy, random: () => number = Math.random): number => {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
};

export type DeliveryOutcome = 'delivered' | 'retry' | 'dead-lettered';

export interface NoticeDispatcherOptions {
  readonly sql: Sql;
  readonly delivery: ReferrerNoticeDelivery;
  readonly logger: Logger;
  readonly sender: Sender;
  readonly retry: RetryPolicy;
  readonly pollIntervalMs: number;
  readonly batchSize: number;
  /** How long a claimed notice stays leased: longer than one attempt's timeout. */
  readonly leaseMs: number;
  readonly check?: CommunicationCheck;
  readonly random?: () => number;
  readonly onOutcome?: (outcome: DeliveryOutcome) => void;
}

export interface NoticeDispatcher {
  /** Looks for due notices now rather than at the next poll. */
  wake(): void;
  stop(): Promise<void>;
}

export const startNoticeDispatcher = (options: NoticeDispatcherOptions): NoticeDispatcher => {
  const { sql, delivery, logger, retry } = options;
  let running = true;
  let wakeUp: () => void = () => undefined;
  let storeDown = false;
  // While the endpoint fails, one line when it starts and one when it delivers again, not one per attempt.
  let endpointFailing = false;

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const record = async (notice: ClaimedNotice, outcome: 'retry' | 'dead-lettered', failure: DeliveryFailure): Promise<void> => {
    const fields = {
      eventId: notice.noticeId,
      episodeId: notice.episodeId,
      attempt: notice.attempt,
      code: failure.error,
      status: failure.statusCode,
    };
    if (outcome === 'retry') {
      await scheduleRetry(sql, notice.noticeId, retryDelayMs(notice.attempt, retry, options.random), failure);
      if (!endpointFailing) logger.warn(fields, 'referrer notices: the endpoint fails; retrying with backoff');
      else logger.debug(fields, 'referrer notice not delivered; will retry');
      endpointFailing = true;
    } else {
      await markDeadLettered(sql, notice.noticeId, failure);
      logger.error(fields, 'referrer notice dead-lettered');
    }
    options.onOutcome?.(outcome);
  };

  const failed = (notice: ClaimedNotice, failure: DeliveryFailure, retryable: boolean): Promise<void> =>
    record(notice, retryable && notice.attempt < retry.maxAttempts ? 'retry' : 'dead-lettered', failure);

  const deliverOne = async (notice: ClaimedNotice): Promise<void> => {
    const content = await readNoticeContent(sql, notice);
    // The notice's events committed before the notice itself was consumed; missing means a store problem.
    if (content === undefined) return failed(notice, { error: 'NoticeContentMissing' }, true);
    const communication = referrerCommunication(content, options.sender);
    const problems = options.check?.(communication) ?? [];
    if (problems.length > 0) return failed(notice, { error: 'InvalidCommunication' }, false);
    const result = await delivery.deliver(communication, notice.noticeId);
    if (result.outcome === 'delivered') {
      await markDelivered(sql, notice.noticeId, result.statusCode);
      if (endpointFailing) logger.info('referrer notices: the endpoint delivers again');
      endpointFailing = false;
      logger.info(
        { eventId: notice.noticeId, episodeId: notice.episodeId, attempt: notice.attempt, status: result.statusCode },
        'referrer notice delivered',
      );
      options.onOutcome?.('delivered');
      return;
    }
    return failed(
      notice,
      { error: result.error, ...(result.statusCode === undefined ? {} : { statusCode: result.statusCode }) },
      result.retryable,
    );
  };

  /** One batch; the number of notices it attempted. */
  const deliverDue = async (): Promise<number> => {
    const due = await claimDueNotices(sql, options.batchSize, options.leaseMs);
    const results = await Promise.allSettled(due.map((notice) => deliverOne(notice)));
    const failure = results.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
    return due.length;
  };

  const loop = async (): Promise<void> => {
    while (running) {
      try {
        const attempted = await deliverDue();
        if (storeDown) logger.info('referrer notices: the store answers again');
        storeDown = false;
        if (attempted === 0) await sleep(options.pollIntervalMs);
      } catch (error) {
        // One line when the store goes away, not one per poll; a claimed notice waits for its lease.
        if (!storeDown) logger.error({ err: safeError(error) }, 'referrer notices: cannot read or update the notices; retrying');
        storeDown = true;
        await sleep(Math.max(options.pollIntervalMs, 1_000));
      }
    }
  };
  const done = loop();

  return {
    wake: () => wakeUp(),
    stop: async () => {
      running = false;
      wakeUp();
      await done;
    },
  };
};
