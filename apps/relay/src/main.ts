import 'reflect-metadata';
import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Sql } from 'postgres';
import type { Logger } from '@careflow/config';
import { createKafka, patientKeyring } from '@careflow/messaging';
import { ensurePlatformTopics, LOGGER, platformFor, runApp, SQL } from '@careflow/platform';
import { loadRelayConfig, type RelayConfig } from './config';
import { createEpisodeMessages } from './episode-messages';
import { campaignForLeadership, type Leadership } from './leadership';
import { RelayHttpController, RelayMetrics, RelayState } from './lag';
import { startRelay, type Relay } from './relay';

const RELAY_CONFIG = Symbol('RELAY_CONFIG');

/** Campaigns for leadership and publishes the outbox while leading. */
@Injectable()
class RelayService implements OnApplicationShutdown {
  private leadership: Leadership | undefined;
  private relay: Relay | undefined;

  constructor(
    @Inject(RELAY_CONFIG) private readonly config: RelayConfig,
    @Inject(SQL) private readonly sql: Sql,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly metrics: RelayMetrics,
    private readonly state: RelayState,
  ) {}

  start(): void {
    const { config, sql, logger } = this;
    const leadership = campaignForLeadership({
      url: config.RELAY_DATABASE_URL,
      applicationName: 'careflow-relay-lock',
      leaderTimeoutMs: config.RELAY_LEADER_TIMEOUT_MS,
      logger,
    });
    const messages = createEpisodeMessages(sql, patientKeyring(config.PATIENT_KEY_SECRETS), config.FACILITY_ID);
    const relay = startRelay({
      sql,
      // Its own client, quiet: the relay logs the link's state changes itself, not every failed attempt.
      kafka: createKafka({ brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-relay`, logger, quiet: true }),
      leadership,
      messagesOf: (rows) => messages.messagesOf(rows),
      logger,
      batchSize: config.RELAY_BATCH_SIZE,
      pollIntervalMs: config.RELAY_POLL_INTERVAL_MS,
      maxBackoffMs: config.RELAY_MAX_BACKOFF_MS,
      maxRefusals: config.RELAY_MAX_REFUSALS,
      ...(config.NODE_ENV === 'test' && { pauseAfterAckMs: config.RELAY_TEST_PAUSE_AFTER_ACK_MS }),
      onPublished: (rows) => this.metrics.published.inc(rows.length),
    });
    this.leadership = leadership;
    this.relay = relay;
    this.state.status = () => ({ leader: leadership.isLeader(), kafka: relay.kafkaState() });
  }

  async onApplicationShutdown(): Promise<void> {
    // Leadership first: a standby waiting for the lock is released, so the relay's loop can end.
    await this.leadership?.stop();
    await this.relay?.stop();
  }
}

const relayModule = (config: RelayConfig, logger: Logger): DynamicModule => {
  @Module({})
  class RelayModule {}
  return {
    module: RelayModule,
    imports: [platformFor('relay', config, logger)],
    controllers: [RelayHttpController],
    providers: [{ provide: RELAY_CONFIG, useValue: config }, RelayState, RelayMetrics, RelayService],
  };
};

/** Publishes the event store's outbox to Kafka; serves /health and /metrics. */
runApp({
  name: 'relay',
  loadConfig: loadRelayConfig,
  module: relayModule,
  listen: (config) => ({ port: config.HEALTH_PORT, host: config.HEALTH_HOST }),
  afterStart: async (app) => {
    await ensurePlatformTopics(app);
    app.get(RelayService).start();
  },
});
