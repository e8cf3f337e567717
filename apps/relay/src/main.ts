import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { createLogger } from '@careflow/config';
import { ensurePlatformTopics, platformFor, runBackgroundApp } from '@careflow/platform';
import { loadRelayConfig } from './config';

/** Publishes the event store's outbox to Kafka. */
@Module({})
class RelayModule {}

runBackgroundApp(
  'relay',
  () => {
    const config = loadRelayConfig();
    const logger = createLogger('relay', config.LOG_LEVEL);
    return { logger, module: { module: RelayModule, imports: [platformFor('relay', config, logger)] } };
  },
  ensurePlatformTopics,
);
