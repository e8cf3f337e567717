export { canonicalJson, isJsonObject, NotCanonicalJsonError } from './canonical-json';
export type { JsonObject, JsonPrimitive, JsonValue } from './canonical-json';
export { advanceCheckpoint, ensureCheckpoint, readCheckpoint } from './checkpoints';
export type { Checkpoint } from './checkpoints';
export { closeDatabaseClient, createDatabaseClient, renewDatabaseClient } from './database';
export type { DatabaseClientOptions } from './database';
export {
  EventIdReusedError,
  EventStoreError,
  EventStoreUnavailableError,
  InvalidAppendError,
  StreamVersionConflictError,
} from './errors';
export { createEventStore } from './event-store';
export type { AppendOptions, EventStore, EventStoreOptions } from './event-store';
export { contentHash, genesisHash, hashedContent, linkHash } from './hashing';
export type { HashedEventFields } from './hashing';
export { applicationRoleOf, eventStoreMigrations, grantApplicationRole, migrate, MigrationError } from './migrations/runner';
export type { MigrateOptions, MigrateResult } from './migrations/runner';
export type { Migration } from './migrations/migration';
export { readModelTables, worklistViews } from './migrations/0002-read-models';
export { appGrants, databaseApps } from './migrations/grants';
export type { DatabaseApp } from './migrations/grants';
export { deletePublishedOutbox, readOutbox } from './outbox';
export type { OutboxMessage } from './outbox';
export { startPolling } from './polling';
export type { PollingOptions, RunningPoller } from './polling';
export { defaultAppendLimits } from './prepare-append';
export type { AppendLimits } from './prepare-append';
export type { CertificationStatus } from './projections/certification';
export { episodeSummaryProjection, evolveEpisodeSummary } from './projections/episode-summary';
export type { EpisodeSummaryRow, EpisodeSummaryStatus } from './projections/episode-summary';
export { columnList } from './projections/projection';
export type { Projection } from './projections/projection';
export { createProjectionRunner } from './projections/runner';
export type { ProjectionRunner, ProjectionRunnerOptions } from './projections/runner';
export { evolveEpisodeWorklist, worklistProjection } from './projections/worklists';
export type {
  EpisodeWorklistRow,
  ProgressReportStanding,
  ReEvaluationReason,
  UnsignedNote,
} from './projections/worklists';
export { subscribeToAll } from './subscription';
export type { SubscriptionOptions } from './subscription';
export { verifyHashChains } from './tamper-verifier';
export type { BrokenLink, BrokenLinkReason, VerificationReport, VerifyOptions } from './tamper-verifier';
export { logPositionOf, startOfLog } from './types';
export type {
  AppendResult,
  EventMetadata,
  EventMetadataInput,
  ExpectedVersion,
  LogPosition,
  NewEvent,
  RecordedEvent,
} from './types';
