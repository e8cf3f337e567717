import { randomUUID } from 'node:crypto';
import type { Sql } from 'postgres';
import { toSafeInteger } from '../database';
import { columnList, type Projection } from '../projections/projection';
import { startOfLog, type LogPosition } from '../types';
import { applicationRoleOf, databaseUrls } from './database';

/** Per stream: how many events a projection saw, and whether any came out of stream order. */
export type StreamTallyRow = {
  readonly stream_id: string;
  readonly events: number;
  readonly last_version: number;
  readonly out_of_order: number;
};

/**
 * A projection over a scratch table that counts the events of the streams whose id starts with
 * `streamPrefix`: counting makes any event applied twice (or skipped, or reordered) visible.
 */
export interface StreamTally {
  readonly projection: Projection<StreamTallyRow>;
  rows(): Promise<StreamTallyRow[]>;
  drop(): Promise<void>;
}

export const createStreamTally = async (admin: Sql, sql: Sql, streamPrefix: string): Promise<StreamTally> => {
  const suffix = randomUUID().replace(/-/g, '').slice(0, 16);
  const table = `test_tally_${suffix}`;
  const role = applicationRoleOf(databaseUrls().app);
  await admin.unsafe(`
    CREATE TABLE ${table} (
      stream_id text PRIMARY KEY, events integer NOT NULL, last_version integer NOT NULL, out_of_order integer NOT NULL
    );
    GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ${role};`);
  const projection: Projection<StreamTallyRow> = {
    name: `test-tally-${suffix}`,
    table,
    keyColumn: 'stream_id',
    columns: columnList<StreamTallyRow>()(['stream_id', 'events', 'last_version', 'out_of_order']),
    keyOf: (event) => (event.streamId.startsWith(streamPrefix) ? event.streamId : null),
    evolve: (row, event) => ({
      stream_id: event.streamId,
      events: (row?.events ?? 0) + 1,
      last_version: event.streamVersion,
      out_of_order: (row?.out_of_order ?? 0) + (event.streamVersion === (row?.last_version ?? 0) + 1 ? 0 : 1),
    }),
  };
  await startProjectionAtHead(sql, projection.name);
  return {
    projection,
    rows: () => sql.unsafe<StreamTallyRow[]>(`SELECT * FROM ${table} ORDER BY stream_id`),
    drop: async () => {
      await admin.unsafe(`DROP TABLE ${table}`);
      await admin`DELETE FROM projection_checkpoints WHERE name = ${projection.name}`;
    },
  };
};

/** The newest event below every running transaction: where a reader starting now would begin. */
export const settledHead = async (sql: Sql): Promise<LogPosition> => {
  const [head] = await sql<{ tx_id: string; global_position: string }[]>`
    SELECT tx_id, global_position FROM events
    WHERE tx_id < pg_snapshot_xmin(pg_current_snapshot())
    ORDER BY tx_id DESC, global_position DESC LIMIT 1`;
  return head ? { txId: head.tx_id, globalPosition: toSafeInteger(head.global_position) } : startOfLog;
};

/**
 * Starts a test projection's checkpoint at the settled head instead of the start of the log, so a
 * test does not re-read what earlier runs left in the shared database.
 */
export const startProjectionAtHead = async (sql: Sql, name: string): Promise<void> => {
  const head = await settledHead(sql);
  await sql`
    INSERT INTO projection_checkpoints (name, tx_id, global_position)
    VALUES (${name}, ${head.txId}::text::xid8, ${head.globalPosition}::bigint)`;
};
