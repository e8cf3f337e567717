import type { Migration } from './migration';

/**
 * The processed-event record in a compact form, for consumers that opt in (docs/consumers.md,
 * "Exactly once by stream version"): per consumer and stream, the highest stream version applied.
 * An episode's events reach a consumer in stream order, so "version ≤ mark" says "already applied"
 * exactly as a row per event id does, with one row per episode instead of one per event.
 */
export const consumerStreamMarksMigration: Migration = {
  version: 10,
  name: 'consumer stream marks',
  sql: /* sql */ `
CREATE TABLE consumer_stream_marks (
  consumer       text NOT NULL,
  stream_id      text NOT NULL,
  -- The highest stream version this consumer applied: an event at or below it is not applied again.
  stream_version bigint NOT NULL CHECK (stream_version >= 0),
  -- The mark before the last transaction moved it, which that transaction's upsert returns (an upsert
  -- cannot return the row's old values): the versions above it are the ones that transaction applies.
  version_before bigint NOT NULL CHECK (version_before >= 0),
  -- Ids of this stream's events that went to the dead-letter topic: a replay applies them although
  -- later events moved the mark past them.
  dead_lettered  jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(dead_lettered) = 'array'),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, stream_id)
);
`,
};
