import type { INestApplicationContext } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Sql } from 'postgres';
import type { Logger } from '@careflow/config';
import { startEpisodeEventConsumer, type EpisodeEventConsumer, type EpisodeEventConsumerOptions } from '@careflow/messaging';
import { AppStatus } from './app-status';
import { KAFKA, LOGGER, SQL } from './tokens';

export type AppConsumerOptions = Omit<EpisodeEventConsumerOptions, 'kafka' | 'sql' | 'logger' | 'metrics'>;

/** How long a crashed consumer's app may take to close before it exits anyway. */
const closeDeadlineMs = 10_000;

/**
 * For a consumer app's afterStart: runs the episode-event consumer on the app's Kafka, database and
 * logger; its lag and progress go to /metrics and /health (HEALTH_PORT, see serveHealth); it stops
 * when the app shuts down. When kafkajs gives the consumer up (a crash it will not restart), the app
 * closes and exits with code 1, so its supervisor starts it again (docs/consumers.md).
 */
export const startAppConsumer = async (app: INestApplicationContext, options: AppConsumerOptions): Promise<EpisodeEventConsumer> => {
  const status = app.get(AppStatus);
  const consumer = await startEpisodeEventConsumer({
    onFatal: () => exitAfterClosing(app),
    ...options,
    kafka: app.get<Kafka>(KAFKA),
    sql: app.get<Sql>(SQL),
    logger: app.get<Logger>(LOGGER),
    metrics: status.registry,
  });
  status.report(options.name, consumer.status);
  status.stopOnShutdown(() => consumer.stop());
  return consumer;
};

/** Exit code 1 once the app closed (or after closeDeadlineMs): a non-zero exit is what restarts it. */
export const exitAfterClosing = (app: Pick<INestApplicationContext, 'close'>, exit: (code: number) => void = process.exit): void => {
  const deadline = setTimeout(() => exit(1), closeDeadlineMs);
  deadline.unref();
  void app.close().then(
    () => exit(1),
    () => exit(1),
  );
};
