/** Every error the event store throws on purpose; `retryable` tells the caller whether to try again. */
export abstract class EventStoreError extends Error {
  abstract readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The stream is not at the version the caller expected; nothing was written. */
export class StreamVersionConflictError extends EventStoreError {
  readonly retryable = false;

  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(`stream ${streamId} is at version ${actualVersion}, not at the expected version ${expectedVersion}`);
  }
}

/** An event id already belongs to an event with other content (or another stream or batch); nothing was written. */
export class EventIdReusedError extends EventStoreError {
  readonly retryable = false;

  constructor(
    readonly streamId: string,
    readonly eventId: string,
  ) {
    super(
      `event id ${eventId} was already used for an event with different content, in another stream or in another batch; ` +
        `nothing was appended to stream ${streamId}`,
    );
  }
}

/** The append was refused before touching the database; `problems` names every field at fault. */
export class InvalidAppendError extends EventStoreError {
  readonly retryable = false;

  constructor(
    readonly streamId: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid append to stream ${streamId}: ${problems.join('; ')}`);
  }
}

/**
 * The database could not be reached or dropped the connection. For an append the outcome is unknown
 * (the commit may have happened): retry with the same event ids, which is safe because appends are
 * idempotent by event id.
 */
export class EventStoreUnavailableError extends EventStoreError {
  readonly retryable = true;

  constructor(operation: string, cause: unknown) {
    super(`event store unavailable during ${operation}: ${describeCause(cause)}`, { cause });
  }
}

const describeCause = (cause: unknown): string => {
  if (typeof cause !== 'object' || cause === null) return String(cause);
  const { code, message } = cause as { code?: unknown; message?: unknown };
  return [code, message].filter((part) => typeof part === 'string' && part !== '').join(' ') || 'unknown error';
};
