import {
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
  Optional,
  type Provider,
} from '@nestjs/common';
import type { Sql } from 'postgres';
import { Connection } from '@temporalio/client';
import type { Kafka } from 'kafkajs';
import { appDatabaseUrlVariable, type Logger } from '@careflow/config';
import { closeDatabaseClient, createDatabaseClient } from '@careflow/event-store';
import { createKafka } from '@careflow/messaging';
import { KAFKA, LOGGER, PLATFORM_OPTIONS, SQL, TEMPORAL_CONNECTION } from './tokens';
import { DependencyHealth } from './dependency-health';
import { AppStatus } from './app-status';

export interface PlatformOptions {
  readonly logger: Logger;
  readonly database?: { readonly url: string; readonly maxConnections: number; readonly applicationName: string };
  readonly temporal?: { readonly address: string };
  readonly kafka?: { readonly brokers: readonly string[]; readonly clientId: string };
}

/** Closes what the platform opened, in reverse order of dependence, when Nest shuts down. */
@Injectable()
class PlatformShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(SQL) private readonly sql?: Sql,
    @Optional() @Inject(TEMPORAL_CONNECTION) private readonly temporal?: Connection,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.temporal?.close();
    if (this.sql) await closeDatabaseClient(this.sql);
    this.logger.info('platform connections closed');
  }
}

/**
 * The servers an app uses, as Nest providers. Connections are lazy so an app starts (and reports the
 * dependency as down on /health) while a server is still coming up.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: PLATFORM_OPTIONS, useValue: options },
      { provide: LOGGER, useValue: options.logger },
      // Before PlatformShutdown: what AppStatus stops (a consumer) still needs the connections.
      AppStatus,
      PlatformShutdown,
      DependencyHealth,
    ];
    const { database, temporal, kafka } = options;
    if (database) {
      providers.push({
        provide: SQL,
        // The event store's client: it survives a killed backend (see createDatabaseClient).
        useFactory: (): Sql =>
          createDatabaseClient(database.url, {
            applicationName: database.applicationName,
            maxConnections: database.maxConnections,
          }),
      });
    }
    if (temporal) {
      providers.push({ provide: TEMPORAL_CONNECTION, useFactory: () => Connection.lazy({ address: temporal.address }) });
    }
    if (kafka) {
      providers.push({
        provide: KAFKA,
        useFactory: (): Kafka => createKafka({ brokers: kafka.brokers, clientId: kafka.clientId, logger: options.logger }),
      });
    }
    return { module: PlatformModule, providers, exports: providers };
  }
}

/**
 * The environment keys an app may have loaded; the platform opens what the app configured. The
 * database is the app's own URL (WORKER_DATABASE_URL for the worker): its own role, its own grants.
 */
export interface PlatformConfig {
  readonly [variable: `${string}_DATABASE_URL`]: string | undefined;
  readonly DATABASE_POOL_MAX?: number;
  readonly TEMPORAL_ADDRESS?: string;
  readonly KAFKA_BROKERS?: readonly string[];
  readonly KAFKA_CLIENT_ID?: string;
}

export const platformFor = (app: string, config: PlatformConfig, logger: Logger): DynamicModule => {
  const databaseUrl = config[appDatabaseUrlVariable(app)];
  return PlatformModule.forRoot({
    logger,
    ...(databaseUrl && {
      database: { url: databaseUrl, maxConnections: config.DATABASE_POOL_MAX ?? 10, applicationName: `careflow-${app}` },
    }),
    ...(config.TEMPORAL_ADDRESS && { temporal: { address: config.TEMPORAL_ADDRESS } }),
    ...(config.KAFKA_BROKERS && {
      kafka: { brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID ?? 'careflow'}-${app}` },
    }),
  });
};
