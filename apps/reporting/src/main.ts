import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { createLogger } from '@careflow/config';
import { ensurePlatformTopics, platformFor, runBackgroundApp } from '@careflow/platform';
import { loadReportingConfig } from './config';

/** Consumes episode events into outcome, compliance and worklist read models. */
@Module({})
class ReportingModule {}

runBackgroundApp(
  'reporting',
  () => {
    const config = loadReportingConfig();
    const logger = createLogger('reporting', config.LOG_LEVEL);
    return { logger, module: { module: ReportingModule, imports: [platformFor('reporting', config, logger)] } };
  },
  ensurePlatformTopics,
);
