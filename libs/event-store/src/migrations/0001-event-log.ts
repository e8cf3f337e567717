import type { Migration } from './migration';

/**
 * The event log, its outbox and the bookkeeping of readers. Tables go into the connection's current
 * schema, so a benchmark or a test can keep its own copy in another schema.
 */
export const eventLogMigration: Migration = {
  version: 1,
  name: 'event log, outbox, checkpoints, processed events',
  sql: /* sql */ `
CREATE TABLE events (
  global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  stream_id       text NOT NULL,
  stream_version  integer NOT NULL CHECK (stream_version >= 1),
  event_id        uuid NOT NULL,
  type            text NOT NULL CHECK (type <> ''),
  schema_version  integer NOT NULL CHECK (schema_version >= 1),
  data            jsonb NOT NULL CHECK (jsonb_typeof(data) = 'object'),
  metadata        jsonb NOT NULL,
  tx_id           xid8 NOT NULL DEFAULT pg_current_xact_id(),
  previous_hash   bytea NOT NULL,
  hash            bytea NOT NULL,
  CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version),
  CONSTRAINT events_event_id_key UNIQUE (event_id)
);

-- Readers walk the log in (transaction, position) order below the oldest running transaction.
CREATE INDEX events_log_order_idx ON events (tx_id, global_position);

-- What the relay still has to publish; each row points at its event (readOutbox joins them).
CREATE TABLE outbox (
  global_position bigint PRIMARY KEY,
  event_id        uuid NOT NULL,
  stream_id       text NOT NULL,
  stream_version  integer NOT NULL,
  topic           text NOT NULL,
  key             text NOT NULL,
  tx_id           xid8 NOT NULL DEFAULT pg_current_xact_id(),
  created_at      timestamptz NOT NULL DEFAULT now(),
  source          text NOT NULL DEFAULT 'careflow'
);

CREATE INDEX outbox_log_order_idx ON outbox (tx_id, global_position);

CREATE TABLE projection_checkpoints (
  name            text PRIMARY KEY,
  tx_id           xid8 NOT NULL DEFAULT '0',
  global_position bigint NOT NULL DEFAULT 0,
  -- Bumped by every write; a projection batch commits only if nobody moved it meanwhile.
  revision        bigint NOT NULL DEFAULT 0,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE processed_events (
  consumer     text NOT NULL,
  event_id     uuid NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);

-- Grants already keep the application role from changing events; the triggers also stop a mistaken
-- grant or an owner's slip. Only a superuser can pass them, deliberately, with
-- SET session_replication_role = replica (ordinary triggers do not fire in replica mode).
CREATE FUNCTION refuse_event_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'events are append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$fn$;

CREATE TRIGGER events_refuse_update_delete BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION refuse_event_change();
CREATE TRIGGER events_refuse_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_change();

-- The store appends with one statement (append-statement.ts); when the (stream, version) or event id
-- index refuses it, this says what an append that did not happen finds: its own events already stored ('duplicate', positions as
-- stored), some of its ids used for other content ('reused', the first such id), or none ('none').
CREATE FUNCTION classify_repeated_append(p_stream_id text, p_events jsonb)
RETURNS TABLE (outcome text, next_version integer, positions bigint[], offending_event_id uuid)
LANGUAGE sql STABLE AS $fn$
  WITH given AS (
    SELECT g.ord, (g.e->>'eventId')::uuid AS event_id, g.e
    FROM jsonb_array_elements(p_events) WITH ORDINALITY AS g(e, ord)
  ), compared AS (
    SELECT given.ord, given.event_id, stored.global_position, stored.stream_version,
           stored.event_id IS NOT NULL AS stored_already,
           coalesce(stored.stream_id = p_stream_id
             AND stored.type = given.e->>'type'
             AND stored.schema_version = (given.e->>'schemaVersion')::integer
             AND stored.data = given.e->'data'
             AND stored.metadata - 'recordedAt' = (given.e->'metadata') - 'recordedAt', false) AS same_content,
           stored.stream_version - given.ord AS version_offset
    FROM given LEFT JOIN events stored ON stored.event_id = given.event_id
  )
  SELECT CASE
           WHEN bool_and(c.same_content) AND count(DISTINCT c.version_offset) = 1 THEN 'duplicate'
           WHEN bool_or(c.stored_already) THEN 'reused'
           ELSE 'none'
         END,
         max(c.stream_version),
         array_agg(c.global_position ORDER BY c.ord),
         coalesce((array_agg(c.event_id ORDER BY c.ord) FILTER (WHERE c.stored_already AND NOT c.same_content))[1],
                  (array_agg(c.event_id ORDER BY c.ord) FILTER (WHERE c.stored_already))[1])
  FROM compared c
$fn$;
`,
};
