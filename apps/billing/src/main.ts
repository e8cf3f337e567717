import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { createLogger } from '@careflow/config';
import { ensurePlatformTopics, platformFor, runBackgroundApp } from '@careflow/platform';
import { loadBillingConfig } from './config';

/** Consumes episode events into the charges and claims read model. */
@Module({})
class BillingModule {}

runBackgroundApp(
  'billing',
  () => {
    const config = loadBillingConfig();
    const logger = createLogger('billing', config.LOG_LEVEL);
    return { logger, module: { module: BillingModule, imports: [platformFor('billing', config, logger)] } };
  },
  ensurePlatformTopics,
);
