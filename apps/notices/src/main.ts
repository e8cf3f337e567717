import 'reflect-metadata';
import { type DynamicModule, Module } from '@nestjs/common';
import type { Sql } from 'postgres';
import type { Logger } from '@careflow/config';
import { AppStatus, ensurePlatformTopics, LOGGER, platformFor, runApp, SQL, startAppConsumer } from '@careflow/platform';
import { loadNoticesConfig, type NoticesConfig } from './config';
import { httpReferrerNoticeDelivery } from './delivery';
import { startNoticeDispatcher } from './dispatcher';
import { noticeMetrics } from './metrics';
import { recordNotice } from './notices';
import { runRedeliverCommand } from './redeliver-command';

const NOTICES_CONFIG = Symbol('NOTICES_CONFIG');

const noticesModule = (config: NoticesConfig, logger: Logger): DynamicModule => {
  @Module({})
  class NoticesModule {}
  return {
    module: NoticesModule,
    imports: [platformFor('notices', config, logger)],
    providers: [{ provide: NOTICES_CONFIG, useValue: config }],
  };
};

/**
 * The referrer's closed loop (docs/notices.md): consumes the episode events, records each notice the
 * domain issued, and delivers it to the referring provider's endpoint as a FHIR Communication.
 * `main.js redeliver --all | <notice id>...` is the one command it has: the shipped bundle runs it too.
 */
const startNotices = (): void =>
  runApp({
    name: 'notices',
    loadConfig: loadNoticesConfig,
    module: noticesModule,
    afterStart: async (app) => {
      await ensurePlatformTopics(app);
      const config = app.get<NoticesConfig>(NOTICES_CONFIG);
      const sql = app.get<Sql>(SQL);
      const status = app.get(AppStatus);
      const metrics = noticeMetrics(status.registry, sql);
      const dispatcher = startNoticeDispatcher({
        sql,
        delivery: httpReferrerNoticeDelivery({
          url: config.NOTICES_ENDPOINT_URL,
          timeoutMs: config.NOTICES_TIMEOUT_MS,
          ...(config.NOTICES_ENDPOINT_TOKEN === undefined ? {} : { bearerToken: config.NOTICES_ENDPOINT_TOKEN }),
          ...(config.NOTICES_ENDPOINT_CA === undefined ? {} : { ca: config.NOTICES_ENDPOINT_CA }),
        }),
        logger: app.get<Logger>(LOGGER),
        sender: { facilityId: config.FACILITY_ID },
        retry: { maxAttempts: config.NOTICES_MAX_ATTEMPTS, baseMs: config.NOTICES_RETRY_BASE_MS, maxMs: config.NOTICES_RETRY_MAX_MS },
        pollIntervalMs: config.NOTICES_POLL_INTERVAL_MS,
        batchSize: config.NOTICES_BATCH_SIZE,
        // An attempt ends within its timeout; the lease outlasts it, so no second instance takes the notice meanwhile.
        leaseMs: config.NOTICES_TIMEOUT_MS * 2 + 5_000,
        onOutcome: (outcome) => metrics.deliveries.inc({ outcome }),
      });
      // Registered first, so stopped last: the consumer stops taking notices before their delivery stops.
      status.stopOnShutdown(() => dispatcher.stop());
      await startAppConsumer(app, { name: 'notices', apply: recordNotice, maxAttempts: config.NOTICES_CONSUMER_MAX_ATTEMPTS });
    },
  });

const [command, ...args] = process.argv.slice(2);
if (command === 'redeliver') runRedeliverCommand(args);
else startNotices();
