import { NestFactory } from '@nestjs/core';
import {
  type DynamicModule,
  type INestApplication,
  type INestApplicationContext,
  Module,
  type NestApplicationOptions,
} from '@nestjs/common';
import { createLogger, type Logger, routeProcessWarnings, runMain, StructuredNestLogger } from '@careflow/config';
import { DependencyHealth } from './dependency-health';
import { type HealthAddress, serveHealth } from './health-server';
import { type PlatformConfig, platformFor } from './platform.module';
import { closeOnSignals } from './shutdown';

/** The root of an app that is the platform alone (its work is in afterStart or still to come). */
@Module({})
class PlatformApp {}

export interface AppConfig extends PlatformConfig {
  readonly LOG_LEVEL: string;
}

export interface AppDefinition<C extends AppConfig> {
  readonly name: string;
  readonly loadConfig: () => C;
  /** The app's root module, which imports platformFor(name, …); the platform alone when omitted. */
  readonly module?: (config: C, logger: Logger) => DynamicModule;
  /** Where an HTTP app listens; an app without it has no HTTP server. */
  readonly listen?: (config: C) => { readonly port: number; readonly host: string };
  /** How Nest creates an HTTP app beyond its logger (the API reads request bodies itself). */
  readonly httpOptions?: Pick<NestApplicationOptions, 'bodyParser'>;
  /** For an app without it: where /health and /metrics are served (default HEALTH_PORT, HEALTH_HOST; see serveHealth). */
  readonly health?: (config: C) => HealthAddress;
  /** Runs once the app is up (and listening), e.g. creating Kafka topics. */
  readonly afterStart?: (app: INestApplicationContext) => Promise<void>;
}

/**
 * Every app's main: load the configuration (a bad one ends the process with one line), build the
 * module with the app's logger, check each dependency once and log the result, listen if the app
 * serves HTTP (or answer /health on HEALTH_PORT if it does not), then live until SIGTERM/SIGINT (see closeOnSignals).
 */
export const runApp = <C extends AppConfig>(definition: AppDefinition<C>): void => {
  const { name } = definition;
  runMain(name, async () => {
    const config = definition.loadConfig();
    const logger = createLogger(name, config.LOG_LEVEL);
    routeProcessWarnings(logger);
    const module = definition.module?.(config, logger) ?? { module: PlatformApp, imports: [platformFor(name, config, logger)] };
    const options = { logger: new StructuredNestLogger(logger) };
    const listen = definition.listen?.(config);
    const starting: Promise<INestApplicationContext> = listen
      ? NestFactory.create(module, { ...definition.httpOptions, ...options })
      : NestFactory.createApplicationContext(module, options);
    closeOnSignals(starting, logger);
    const app = await starting;
    const report = await app.get(DependencyHealth).check();
    const down = Object.entries(report.dependencies).flatMap(([dependency, result]) => (result.status === 'down' ? [dependency] : []));
    logger.info({ status: report.status, down }, `${name} started; dependencies ${report.status}`);
    if (listen) {
      const server = app as INestApplication;
      await server.listen(listen.port, listen.host);
      logger.info({ port: Number(new URL(await server.getUrl()).port) }, `${name} listening`);
    } else {
      await serveHealth(app, logger, process.env, definition.health?.(config));
    }
    await definition.afterStart?.(app);
  });
};
