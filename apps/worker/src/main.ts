import 'reflect-metadata';
import { Module } from '@nestjs/common';
import type { Sql } from 'postgres';
import { episodeEventsTopic } from '@careflow/contracts';
import { createEventStore } from '@careflow/event-store';
import { platformFor, runApp, SQL } from '@careflow/platform';
import { createActivities } from './activities';
import { CareEpisodeWorker } from './care-episode-worker';
import { loadWorkerConfig } from './config';
import { createPostgresTherapistDirectory } from './therapist-directory';
import { ACTIVITIES, WORKER_CONFIG } from './tokens';

@Module({})
class WorkerModule {}

runApp({
  name: 'worker',
  loadConfig: loadWorkerConfig,
  module: (config, logger) => ({
    module: WorkerModule,
    imports: [platformFor('worker', config, logger)],
    providers: [
      { provide: WORKER_CONFIG, useValue: config },
      {
        provide: ACTIVITIES,
        inject: [SQL],
        useFactory: (sql: Sql) =>
          createActivities({
            eventStore: createEventStore({ sql, outboxTopic: episodeEventsTopic.name, eventSource: 'careflow/worker' }),
            therapistDirectory: createPostgresTherapistDirectory(sql, {
              reportInvalidProfile: (invalid) => logger.error(invalid, 'therapist profile unreadable; left out of routing'),
            }),
          }),
      },
      CareEpisodeWorker,
    ],
  }),
});
