import type { Migration } from './migration';

/**
 * The event log, its outbox and the bookkeeping of readers. Tables go into the connection's current
 * schema, so a benchmark or a test can keep its own copy in another schema.
 */
export const eventLogMigration: Migration = {
  version: 1,
  name: 'event log, outbox, checkpoints, processed events',
  sql: /* sql */ `
CREATE TABLE streams (
  stream_id   text PRIMARY KEY,
  version     integer NOT NULL CHECK (version >= 0),
  last_hash   bytea NOT NULL,
  -- The transaction that last appended; a later append must come from a newer one (see append_to_stream).
  last_tx_id  xid8 NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

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

CREATE TABLE outbox (
  global_position bigint PRIMARY KEY,
  event_id        uuid NOT NULL,
  stream_id       text NOT NULL,
  stream_version  integer NOT NULL,
  topic           text NOT NULL,
  key             text NOT NULL,
  headers         jsonb NOT NULL,
  payload         jsonb NOT NULL,
  tx_id           xid8 NOT NULL DEFAULT pg_current_xact_id(),
  created_at      timestamptz NOT NULL DEFAULT now()
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

-- What an append that did not happen finds: its own events already stored ('duplicate', positions as
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

-- One round trip per append: version check, hash chain, events and their outbox rows. Outcomes:
-- 'appended', 'duplicate' (an identical earlier append; nothing written), 'reused', 'conflict'
-- (next_version = the stream's actual version). p_events: [{eventId, type, schemaVersion, data,
-- metadata, contentHash (hex)}], validated and hashed by the caller.
CREATE FUNCTION append_to_stream(
  p_stream_id text, p_expected_version integer, p_events jsonb, p_topic text, p_source text
) RETURNS TABLE (outcome text, next_version integer, positions bigint[], offending_event_id uuid)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_count integer := jsonb_array_length(p_events);
  v_ids uuid[] := ARRAY(SELECT (e->>'eventId')::uuid FROM jsonb_array_elements(p_events) AS e);
  v_tx xid8 := pg_current_xact_id();
  v_version integer := 0;
  v_last_tx xid8;
  v_previous bytea := '\\x0000000000000000000000000000000000000000000000000000000000000000';
  v_hash bytea;
  v_hashes bytea[] := '{}';
  v_positions bigint[];
  v_repeat record;
BEGIN
  IF EXISTS (SELECT 1 FROM events e WHERE e.event_id = ANY (v_ids)) THEN
    RETURN QUERY SELECT * FROM classify_repeated_append(p_stream_id, p_events);
    RETURN;
  END IF;

  IF p_expected_version > 0 THEN
    SELECT s.version, s.last_hash, s.last_tx_id INTO v_version, v_previous, v_last_tx
    FROM streams s WHERE s.stream_id = p_stream_id FOR UPDATE;
    IF NOT FOUND THEN
      v_version := 0;
    END IF;
  END IF;

  IF v_version = p_expected_version AND v_last_tx > v_tx THEN
    -- Readers order the log by transaction id; an older transaction appending after a newer one
    -- would put this stream out of order for them. Rare (it needs the lock to be taken out of
    -- xid order); the caller retries in a new, newer transaction.
    RAISE EXCEPTION 'stream % was just appended by a newer transaction; retry', p_stream_id
      USING ERRCODE = 'serialization_failure';
  END IF;

  IF v_version = p_expected_version THEN
    v_hash := v_previous;
    FOR i IN 1..v_count LOOP
      v_hash := sha256(v_hash || decode(p_events->(i - 1)->>'contentHash', 'hex'));
      v_hashes := array_append(v_hashes, v_hash);
    END LOOP;

    IF p_expected_version = 0 THEN
      INSERT INTO streams (stream_id, version, last_hash, last_tx_id)
      VALUES (p_stream_id, v_count, v_hash, v_tx)
      ON CONFLICT (stream_id) DO NOTHING;
      IF NOT FOUND THEN
        SELECT s.version INTO v_version FROM streams s WHERE s.stream_id = p_stream_id;
      END IF;
    ELSE
      UPDATE streams s SET version = p_expected_version + v_count, last_hash = v_hash, last_tx_id = v_tx,
                           updated_at = now()
      WHERE s.stream_id = p_stream_id;
    END IF;
  END IF;

  IF v_version <> p_expected_version THEN
    SELECT * INTO v_repeat FROM classify_repeated_append(p_stream_id, p_events);
    IF v_repeat.outcome = 'none' THEN
      RETURN QUERY SELECT 'conflict'::text, v_version, NULL::bigint[], NULL::uuid;
    ELSE
      RETURN QUERY SELECT v_repeat.outcome, v_repeat.next_version, v_repeat.positions, v_repeat.offending_event_id;
    END IF;
    RETURN;
  END IF;

  WITH given AS (
    SELECT g.ord::integer AS ord, g.e FROM jsonb_array_elements(p_events) WITH ORDINALITY AS g(e, ord)
  ), inserted AS (
    INSERT INTO events AS ev (stream_id, stream_version, event_id, type, schema_version, data, metadata,
                              previous_hash, hash)
    SELECT p_stream_id, p_expected_version + given.ord, (given.e->>'eventId')::uuid, given.e->>'type',
           (given.e->>'schemaVersion')::integer, given.e->'data', given.e->'metadata',
           CASE WHEN given.ord = 1 THEN v_previous ELSE v_hashes[given.ord - 1] END, v_hashes[given.ord]
    FROM given ORDER BY given.ord
    RETURNING ev.global_position, ev.stream_version, ev.event_id, ev.type, ev.schema_version, ev.data,
              ev.metadata
  ), published AS (
    INSERT INTO outbox (global_position, event_id, stream_id, stream_version, topic, key, headers, payload)
    SELECT i.global_position, i.event_id, p_stream_id, i.stream_version, p_topic, p_stream_id,
           jsonb_build_object(
             'ce_specversion', '1.0',
             'ce_id', i.event_id::text,
             'ce_type', i.type,
             'ce_source', p_source,
             'ce_subject', p_stream_id,
             'ce_time', i.metadata->>'occurredAt',
             'careflow_schema_version', i.schema_version::text,
             'careflow_stream_version', i.stream_version::text,
             'careflow_global_position', i.global_position::text),
           jsonb_build_object(
             'eventId', i.event_id,
             'streamId', p_stream_id,
             'streamVersion', i.stream_version,
             'globalPosition', i.global_position,
             'type', i.type,
             'schemaVersion', i.schema_version,
             'data', i.data,
             'metadata', i.metadata)
    FROM inserted i
  )
  SELECT array_agg(i.global_position ORDER BY i.stream_version) INTO v_positions FROM inserted i;

  RETURN QUERY SELECT 'appended'::text, p_expected_version + v_count, v_positions, NULL::uuid;
END
$fn$;
`,
};
