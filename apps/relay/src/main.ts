import 'reflect-metadata';
import type { Server } from 'node:http';
import { Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Sql } from 'postgres';
import { createLogger, type Logger } from '@careflow/config';
import { createKafka, patientKeyring } from '@careflow/messaging';
import { DependencyHealth, ensurePlatformTopics, LOGGER, platformFor, runBackgroundApp, SQL } from '@careflow/platform';
import { loadRelayConfig, type RelayConfig } from './config';
import { createEpisodeMessages } from './episode-messages';
import { campaignForLeadership, type Leadership } from './leadership';
import { relayMetrics, serveRelayHttp, type RelayStatus } from './lag';
import { startRelay, type Relay } from './relay';

const RELAY_CONFIG = Symbol('RELAY_CONFIG');

/** Campaigns for leadership, publishes the outbox while leading, serves /health and /metrics. */
@Injectable()
class RelayService implements OnApplicationShutdown {
  private leadership: Leadership | undefined;
  private relay: Relay | undefined;
  private server: Server | undefined;

  constructor(
    @Inject(RELAY_CONFIG) private readonly config: RelayConfig,
    @Inject(SQL) private readonly sql: Sql,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly health: DependencyHealth,
  ) {}

  async start(): Promise<void> {
    const { config, sql, logger } = this;
    const leadership = campaignForLeadership({
      url: config.DATABASE_URL,
      applicationName: 'careflow-relay-lock',
      leaderTimeoutMs: config.RELAY_LEADER_TIMEOUT_MS,
      logger,
    });
    this.leadership = leadership;
    const status = (): RelayStatus => ({ leader: leadership.isLeader(), kafka: this.relay?.kafkaState() ?? 'connecting' });
    const metrics = relayMetrics(sql, status);
    const messages = createEpisodeMessages(sql, patientKeyring(config.PATIENT_KEY_SECRETS), config.FACILITY_ID);
    this.relay = startRelay({
      sql,
      // Its own client, silent: the relay logs the link's state changes itself, not every failed attempt.
      kafka: createKafka({ brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-relay`, logger, quiet: true }),
      leadership,
      messagesOf: (rows) => messages.messagesOf(rows),
      logger,
      batchSize: config.RELAY_BATCH_SIZE,
      pollIntervalMs: config.RELAY_POLL_INTERVAL_MS,
      maxBackoffMs: config.RELAY_MAX_BACKOFF_MS,
      ...(config.NODE_ENV === 'test' && { pauseAfterAckMs: config.RELAY_TEST_PAUSE_AFTER_ACK_MS }),
      onPublished: (count) => metrics.published.inc(count),
    });
    this.server = await serveRelayHttp(config.RELAY_HTTP_PORT, metrics, () => this.health.check(), status);
    logger.info({ port: config.RELAY_HTTP_PORT }, 'relay serving /health and /metrics');
  }

  async onApplicationShutdown(): Promise<void> {
    this.server?.close();
    await this.relay?.stop();
    await this.leadership?.stop();
  }
}

runBackgroundApp(
  'relay',
  () => {
    const config = loadRelayConfig();
    const logger = createLogger('relay', config.LOG_LEVEL);
    @Module({ providers: [{ provide: RELAY_CONFIG, useValue: config }, RelayService] })
    class RelayModule {}
    return { logger, module: { module: RelayModule, imports: [platformFor('relay', config, logger)] } };
  },
  async (app) => {
    await ensurePlatformTopics(app);
    await app.get(RelayService).start();
  },
);
