import { ApplicationFailure } from '@temporalio/activity';
import type { AppendEpisodeEventsInput, CareEpisodeActivities, EpisodeEventEnvelope, RoutingCandidates } from '@careflow/contracts';
import {
  EventIdReusedError,
  type EventStore,
  InvalidAppendError,
  type JsonObject,
  type NewEvent,
  StreamVersionConflictError,
} from '@careflow/event-store';

/** Where routing reads the department's therapists; PostgreSQL in production, anything in tests. */
export interface TherapistDirectory {
  findRoutingCandidates(departmentId: string, episodeId: string): Promise<RoutingCandidates>;
}

export interface ActivityDependencies {
  readonly eventStore: EventStore;
  readonly therapistDirectory: TherapistDirectory;
}

const toNewEvent = (envelope: EpisodeEventEnvelope): NewEvent => ({
  eventId: envelope.eventId,
  type: envelope.type,
  schemaVersion: envelope.schemaVersion,
  data: envelope.data as unknown as JsonObject,
  metadata: {
    actor: envelope.metadata.actorId,
    correlationId: envelope.metadata.correlationId,
    causationId: envelope.metadata.causationId,
    departmentId: envelope.metadata.departmentId,
    occurredAt: envelope.metadata.occurredAt,
  },
});

/**
 * The care-episode activities over their dependencies. Appends are idempotent by the event ids the
 * workflow chose, so a retry after a lost answer is safe; errors that a retry cannot fix are
 * non-retryable so the workflow learns of them at once.
 */
export const createActivities = (deps: ActivityDependencies): CareEpisodeActivities => ({
  async appendEpisodeEvents({ episodeId, expectedVersion, events }: AppendEpisodeEventsInput) {
    try {
      const result = await deps.eventStore.appendToStream(episodeId, expectedVersion, events.map(toNewEvent));
      return { version: result.nextExpectedVersion };
    } catch (error) {
      if (error instanceof StreamVersionConflictError || error instanceof EventIdReusedError || error instanceof InvalidAppendError) {
        throw ApplicationFailure.create({ type: error.name, message: error.message, nonRetryable: true });
      }
      throw error;
    }
  },

  async findRoutingCandidates({ departmentId, episodeId }) {
    return deps.therapistDirectory.findRoutingCandidates(departmentId, episodeId);
  },
});
