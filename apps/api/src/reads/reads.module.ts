import { type DynamicModule, Module } from '@nestjs/common';
import type { Connection } from '@temporalio/client';
import type { Sql } from 'postgres';
import { episodeEventsTopic } from '@careflow/contracts';
import { createEventStore, type EventStore } from '@careflow/event-store';
import { SQL, TEMPORAL_CONNECTION } from '@careflow/platform';
import type { PayloadKeyring } from '@careflow/temporal';
import { AuditController } from '../audit/audit.controller';
import { BillingReadController } from '../billing-read/billing-read.controller';
import { createEpisodeReads, type EpisodeSnapshotSource } from '../episodes-read/episode-reads';
import { EpisodesReadController } from '../episodes-read/episodes.controller';
import { EpisodeFhir } from '../fhir/episode-fhir';
import { ReportsController } from '../reports/reports.controller';
import { TherapistsController } from '../therapists/therapists.controller';
import { WorklistsController } from '../worklists/worklists.controller';
import { EPISODE_READS, EPISODE_SNAPSHOT, EVENT_STORE } from './tokens';
import { workflowSnapshot } from './workflow-snapshot';

export interface ReadsOptions {
  readonly temporalNamespace: string;
  readonly payloadKeys: PayloadKeyring;
}

/** The API's read routes (docs/api-reads.md); they rely on HttpCoreModule for tokens, scoping and audit. */
@Module({})
export class ReadsModule {
  static register(options: ReadsOptions): DynamicModule {
    return {
      module: ReadsModule,
      controllers: [
        EpisodesReadController,
        WorklistsController,
        BillingReadController,
        ReportsController,
        TherapistsController,
        AuditController,
      ],
      providers: [
        // The packet's FHIR Bundle, made as GET /episodes/{id}/fhir makes it (docs/fhir.md).
        EpisodeFhir,
        // Read only: the API never appends through this store (commands go through the workflow).
        { provide: EVENT_STORE, inject: [SQL], useFactory: (sql: Sql) => createEventStore({ sql, outboxTopic: episodeEventsTopic.name }) },
        {
          provide: EPISODE_SNAPSHOT,
          inject: [TEMPORAL_CONNECTION],
          useFactory: (connection: Connection) => workflowSnapshot(connection, options.temporalNamespace, options.payloadKeys),
        },
        {
          provide: EPISODE_READS,
          inject: [EVENT_STORE, EPISODE_SNAPSHOT],
          useFactory: (eventStore: EventStore, snapshot: EpisodeSnapshotSource) => createEpisodeReads({ eventStore, snapshot }),
        },
      ],
    };
  }
}
