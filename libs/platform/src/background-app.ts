import { NestFactory } from '@nestjs/core';
import type { DynamicModule, INestApplicationContext } from '@nestjs/common';
import { type Logger, runMain, StructuredNestLogger } from '@careflow/config';
import { DependencyHealth } from './dependency-health';
import { serveHealth } from './health-server';
import { closeOnSignals } from './shutdown';

/**
 * Starts an app without HTTP (worker, relay, consumers): build the module, check each dependency once
 * and log the result, answer /health if HEALTH_PORT is set, then live until SIGTERM/SIGINT (see
 * closeOnSignals).
 */
export const runBackgroundApp = (
  name: string,
  build: () => { module: DynamicModule; logger: Logger },
  afterStart?: (app: INestApplicationContext) => Promise<void>,
): void => {
  runMain(name, async () => {
    const { module, logger } = build();
    const starting = NestFactory.createApplicationContext(module, { logger: new StructuredNestLogger(logger) });
    closeOnSignals(starting, logger);
    const app = await starting;
    const report = await app.get(DependencyHealth).check();
    logger.info({ dependencies: report.dependencies }, `${name} started; dependencies ${report.status}`);
    await serveHealth(app, logger);
    await afterStart?.(app);
  });
};
