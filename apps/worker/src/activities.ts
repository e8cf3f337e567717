import { ApplicationFailure } from '@temporalio/activity';
import type { AppendEpisodeEventsInput, CareEpisodeActivities, EpisodeEventEnvelope, RoutingCandidates } from '@careflow/contracts';
import type { CareEpisodeEvent } from '@careflow/domain';
import {
  EventIdReusedError,
  type EventStore,
  InvalidAppendError,
  type JsonObject,
  type NewEvent,
  type RecordedEvent,
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
 * The events one append wrote right after `expectedVersion`, if that append was this step's: the same
 * causation (an Update's id, or the deadline or routing that caused it) and one transaction. Only the
 * episode's own workflow writes its stream, so such events are an earlier attempt of this step whose
 * worker died before the workflow task that ran it completed (docs/architecture.md#local-activities).
 */
const earlierAttemptOf = async (
  eventStore: EventStore,
  episodeId: string,
  expectedVersion: number,
  causationId: string | undefined,
): Promise<EpisodeEventEnvelope[]> => {
  if (causationId === undefined) return [];
  const following = await eventStore.readStream(episodeId, expectedVersion + 1, maxEventsPerAppend);
  const first = following[0];
  if (first === undefined || first.streamVersion !== expectedVersion + 1 || first.metadata.causationId !== causationId) return [];
  return following.filter((event) => event.txId === first.txId).map(toEnvelope);
};

/** More than any one command decides. */
const maxEventsPerAppend = 100;

const toEnvelope = (event: RecordedEvent): EpisodeEventEnvelope => {
  const data = event.data as unknown as CareEpisodeEvent;
  return {
    eventId: event.eventId,
    type: data.type,
    schemaVersion: event.schemaVersion,
    data,
    metadata: {
      actorId: data.actor.userId,
      actorRole: data.actor.role,
      causationId: event.metadata.causationId ?? '',
      correlationId: event.metadata.correlationId,
      departmentId: event.metadata.departmentId ?? '',
      occurredAt: data.occurredAt,
    },
  };
};

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
      if (error instanceof StreamVersionConflictError) {
        const earlierAttempt = await earlierAttemptOf(deps.eventStore, episodeId, expectedVersion, events[0]?.metadata.causationId);
        if (earlierAttempt.length > 0) return { version: expectedVersion + earlierAttempt.length, earlierAttempt };
      }
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
