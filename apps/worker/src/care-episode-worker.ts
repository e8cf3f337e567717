import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { Logger } from '@careflow/config';
import { LOGGER, temporalLoggerOver } from '@careflow/platform';
import { createDataConverter, keyringFromEnv } from '@careflow/temporal';
import type { WorkerConfig } from './config';
import { ACTIVITIES, WORKER_CONFIG } from './tokens';

/**
 * Hosts the Temporal Worker inside the Nest context. The platform's closeOnSignals owns the process
 * signals: on SIGTERM it closes the app, whose onApplicationShutdown stops polling and lets in-flight
 * tasks finish.
 */
@Injectable()
export class CareEpisodeWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker: Worker | undefined;
  private connection: NativeConnection | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    @Inject(ACTIVITIES) private readonly activities: object,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // The SDK's, the workflows' and the native core's lines go through the app's logger (its
    // allow-list), not to stderr beside it.
    Runtime.install({
      shutdownSignals: [],
      logger: temporalLoggerOver(this.logger),
      telemetryOptions: { logging: { forward: {} } },
    });
    this.connection = await NativeConnection.connect({ address: this.config.TEMPORAL_ADDRESS });
    this.worker = await Worker.create({
      connection: this.connection,
      namespace: this.config.TEMPORAL_NAMESPACE,
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      ...(this.config.WORKFLOW_BUNDLE_PATH
        ? { workflowBundle: { codePath: this.config.WORKFLOW_BUNDLE_PATH } }
        : { workflowsPath: require.resolve('@careflow/workflows') }),
      activities: this.activities,
      dataConverter: createDataConverter(keyringFromEnv(this.config.PAYLOAD_KEYS), this.config.TEMPORAL_NAMESPACE),
      shutdownGraceTime: this.config.WORKER_SHUTDOWN_GRACE_MS,
      maxCachedWorkflows: this.config.WORKER_MAX_CACHED_WORKFLOWS,
    });
    this.running = this.worker.run();
    this.running.catch((error: unknown) => {
      this.logger.fatal({ err: error }, 'worker stopped unexpectedly');
      process.exitCode = 1;
    });
    this.logger.info({ taskQueue: this.config.TEMPORAL_TASK_QUEUE }, 'worker polling');
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.worker || !this.running) return;
    this.logger.info('worker draining');
    this.worker.shutdown();
    await this.running.catch(() => undefined);
    await this.connection?.close();
    this.logger.info('worker drained');
  }
}
