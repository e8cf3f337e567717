import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { AuditOutcome, AuditTrail } from '@careflow/audit';
import type { Logger } from '@careflow/config';
import { KAFKA, LOGGER } from '@careflow/platform';
import { type AuditTarget, AUDIT_TRAIL, ProblemException } from '../http';
import { ReferralIntake } from './referral-intake';

const retryDelayMs = 5_000;

export const REFERRAL_FEED_OPTIONS = Symbol('careflow.api.referral-feed-options');

export interface ReferralFeedOptions {
  readonly enabled: boolean;
  readonly topic: string;
  readonly deadLetterTopic: string;
  readonly groupId: string;
  /** The interface engine's service identity: the actor of every referral it sends (role `ehr-feed`). */
  readonly userId: string;
}

/** Headers a dead-lettered referral carries beside its own: where it came from and the problem, never a value. */
export const referralDeadLetterHeaders = {
  originalTopic: 'careflow_original_topic',
  originalPartition: 'careflow_original_partition',
  originalOffset: 'careflow_original_offset',
  problem: 'careflow_problem',
} as const;

/**
 * careflow.referrals.v1, the interface engines' inbound referrals (docs/api.md, "Referrals in"): each
 * message goes through ReferralIntake.submit like POST /referrals, as the engine's service identity,
 * and leaves one audit record. A message the API refuses (400, 404, 409, 422) goes to the dead-letter
 * topic with its problem details; anything else (Temporal or PostgreSQL down, the audit record not
 * written) is retried, since its offset is committed only after the message was handled.
 */
@Injectable()
export class ReferralFeedConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private stopped = false;

  constructor(
    @Inject(REFERRAL_FEED_OPTIONS) private readonly options: ReferralFeedOptions,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(AUDIT_TRAIL) private readonly audit: AuditTrail,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly intake: ReferralIntake,
  ) {}

  /** In the background: the API serves HTTP (and reports Kafka down on /health) while Kafka is away. */
  onApplicationBootstrap(): void {
    if (this.options.enabled) void this.startWhenKafkaAnswers();
  }

  private async startWhenKafkaAnswers(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.start();
        // Shut down while it was connecting: nothing may stay subscribed.
        if (this.stopped) await this.disconnect();
        return;
      } catch (error) {
        this.logger.warn({ err: error, topic: this.options.topic }, 'referral feed cannot start yet; trying again');
        await this.disconnect();
        await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
      }
    }
  }

  private async start(): Promise<void> {
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    this.consumer = this.kafka.consumer({ groupId: this.options.groupId });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    await this.consumer.run({
      eachMessage: ({ topic, partition, message }) => this.handle(topic, partition, message),
    });
    this.logger.info({ topic: this.options.topic, groupId: this.options.groupId }, 'referral feed consuming');
  }

  async onApplicationShutdown(): Promise<void> {
    // Not waiting for a start still retrying: shutdown stays quick while Kafka is away.
    this.stopped = true;
    await this.disconnect();
  }

  private async disconnect(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
    this.producer = undefined;
  }

  private async handle(topic: string, partition: number, message: KafkaMessage): Promise<void> {
    const target: AuditTarget = { resourceType: 'episode' };
    const requestId = `kafka:${topic}:${partition}:${message.offset}`;
    let body: unknown;
    try {
      body = JSON.parse(message.value?.toString('utf8') ?? '');
    } catch {
      const problem = new ProblemException({
        slug: 'invalid-request',
        title: 'The request is not valid',
        status: 400,
        detail: 'The message is not JSON.',
      });
      // Dead-lettered first: a failed send redelivers the message, and a second audit record would count one attempt twice.
      await this.deadLetter(topic, partition, message, problem);
      await this.record(requestId, target, 'error', 'invalid-request');
      return;
    }
    try {
      await this.intake.submit(body, { userId: this.options.userId, role: 'ehr-feed', departments: 'all' }, (described) =>
        Object.assign(target, described),
      );
    } catch (error) {
      if (!(error instanceof ProblemException) || error.status >= 500) {
        await this.record(requestId, target, 'error', 'failed');
        throw error;
      }
      await this.deadLetter(topic, partition, message, error);
      await this.record(requestId, target, error.denial === undefined ? 'error' : 'denied', error.problem.slug);
      return;
    }
    await this.record(requestId, target, 'success');
  }

  private async record(requestId: string, target: AuditTarget, outcome: AuditOutcome, outcomeReason?: string): Promise<void> {
    await this.audit.record({
      who: { userId: this.options.userId, role: 'ehr-feed' },
      what: target,
      action: 'create',
      operation: 'command:ReceiveReferral',
      where: {},
      why: 'treatment',
      outcome,
      ...(outcomeReason === undefined ? {} : { outcomeReason }),
      requestId,
    });
  }

  private async deadLetter(topic: string, partition: number, message: KafkaMessage, problem: ProblemException): Promise<void> {
    await this.producer?.send({
      topic: this.options.deadLetterTopic,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...message.headers,
            [referralDeadLetterHeaders.originalTopic]: topic,
            [referralDeadLetterHeaders.originalPartition]: String(partition),
            [referralDeadLetterHeaders.originalOffset]: message.offset,
            [referralDeadLetterHeaders.problem]: JSON.stringify(
              problem.details(`urn:request:kafka:${topic}:${partition}:${message.offset}`),
            ),
          },
        },
      ],
    });
    this.logger.warn({ topic, partition, code: problem.problem.slug }, 'referral message dead-lettered');
  }
}
