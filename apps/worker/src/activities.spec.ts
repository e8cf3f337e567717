import { ApplicationFailure } from '@temporalio/common';
import type { AppendEpisodeEventsInput } from '@careflow/contracts';
import {
  EventIdReusedError,
  type EventStore,
  EventStoreUnavailableError,
  InvalidAppendError,
  StreamVersionConflictError,
} from '@careflow/event-store';
import { createActivities } from './activities';

/** An event store whose append fails with `error`: what the activity makes of each store error. */
const failingWith = (error: Error) => {
  const eventStore = {
    appendToStream: async () => {
      throw error;
    },
  } as unknown as EventStore;
  return createActivities({
    eventStore,
    therapistDirectory: { findRoutingCandidates: async () => ({ therapists: [], previousTherapistIds: [] }) },
  });
};

const input: AppendEpisodeEventsInput = { episodeId: 'episode-1', expectedVersion: 3, events: [] };

describe('appendEpisodeEvents', () => {
  it.each([
    ['the stream moved on', new StreamVersionConflictError('episode-1', 3, 4), 'StreamVersionConflictError'],
    ['an event id reused with other content', new EventIdReusedError('episode-1', 'event-1'), 'EventIdReusedError'],
    ['an append the store refuses as invalid', new InvalidAppendError('episode-1', ['event 0: type must be a name']), 'InvalidAppendError'],
  ])('turns %s into a non-retryable failure of that type, with the store message', async (_, error, type) => {
    const failure = await failingWith(error)
      .appendEpisodeEvents(input)
      .catch((thrown: unknown) => thrown);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type, nonRetryable: true, message: error.message });
  });

  it.each([
    ['the store unreachable (the append may have committed)', new EventStoreUnavailableError('append', new Error('connection reset'))],
    ['an error the store did not expect', new TypeError('cannot read properties of undefined')],
  ])('lets %s through unchanged, so Temporal retries it with the same event ids', async (_, error) => {
    await expect(failingWith(error).appendEpisodeEvents(input)).rejects.toBe(error);
  });

  describe('given the stream moved on because an earlier attempt of this step appended', () => {
    const stored = (causationId: string, txId: string, streamVersion: number) => ({
      globalPosition: streamVersion,
      txId,
      streamId: 'episode-1',
      streamVersion,
      eventId: `stored-${streamVersion}`,
      type: 'EpisodePutOnHold',
      schemaVersion: 1,
      data: { type: 'EpisodePutOnHold', occurredAt: '2026-12-01T10:00:00Z', actor: { userId: 'u-1', role: 'therapist' } },
      metadata: {
        actor: 'u-1',
        correlationId: 'episode-1',
        causationId,
        departmentId: 'D-1',
        occurredAt: '2026-12-01T10:00:00Z',
        recordedAt: '',
      },
    });
    const conflictingStore = (following: ReturnType<typeof stored>[]) =>
      createActivities({
        eventStore: {
          appendToStream: async () => {
            throw new StreamVersionConflictError('episode-1', 3, 3 + following.length);
          },
          readStream: async () => following,
        } as unknown as EventStore,
        therapistDirectory: { findRoutingCandidates: async () => ({ therapists: [], previousTherapistIds: [] }) },
      });
    const ours: AppendEpisodeEventsInput = {
      episodeId: 'episode-1',
      expectedVersion: 3,
      events: [
        {
          eventId: 'ours-4',
          type: 'EpisodePutOnHold',
          schemaVersion: 1,
          data: { type: 'EpisodePutOnHold' } as never,
          metadata: {
            actorId: 'u-1',
            actorRole: 'therapist',
            causationId: 'update:u-42',
            correlationId: 'episode-1',
            departmentId: 'D-1',
            occurredAt: '',
          },
        },
      ],
    };

    it('when the events after the expected version are one append of the same causation, then those events are the result', async () => {
      const result = await conflictingStore([
        stored('update:u-42', '900', 4),
        stored('update:u-42', '900', 5),
        stored('update:u-43', '901', 6),
      ]).appendEpisodeEvents(ours);
      expect(result.version).toBe(5);
      expect(result.earlierAttempt?.map((event) => [event.eventId, event.metadata.causationId, event.metadata.actorRole])).toEqual([
        ['stored-4', 'update:u-42', 'therapist'],
        ['stored-5', 'update:u-42', 'therapist'],
      ]);
    });

    it('when another step wrote them, then the conflict stands as a non-retryable failure', async () => {
      const failure = await conflictingStore([stored('update:u-99', '900', 4)])
        .appendEpisodeEvents(ours)
        .catch((thrown: unknown) => thrown);
      expect(failure).toMatchObject({ type: 'StreamVersionConflictError', nonRetryable: true });
    });
  });

  it('returns the stream version after the append', async () => {
    const eventStore = {
      appendToStream: async () => ({ nextExpectedVersion: 5, globalPositions: [10, 11], alreadyAppended: false }),
    } as unknown as EventStore;
    const activities = createActivities({
      eventStore,
      therapistDirectory: { findRoutingCandidates: async () => ({ therapists: [], previousTherapistIds: [] }) },
    });
    await expect(activities.appendEpisodeEvents(input)).resolves.toEqual({ version: 5 });
  });
});
