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
