import type { Migration } from './migration';

/**
 * The outbox row shrinks to what only it knows: where its event is in the log and which topic it
 * goes to (the CloudEvents source with it). Stream, version, event id and key were copies of the
 * event's own columns, which readOutbox joins anyway; the log-order key becomes the primary key, so
 * every append maintains one outbox index instead of two.
 */
export const slimOutboxMigration: Migration = {
  version: 4,
  name: 'slim outbox',
  sql: /* sql */ `
DROP INDEX outbox_log_order_idx;
ALTER TABLE outbox
  DROP CONSTRAINT outbox_pkey,
  DROP COLUMN event_id,
  DROP COLUMN stream_id,
  DROP COLUMN stream_version,
  DROP COLUMN key,
  DROP COLUMN created_at,
  ADD CONSTRAINT outbox_pkey PRIMARY KEY (tx_id, global_position);
`,
};
