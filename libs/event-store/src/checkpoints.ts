import type { Sql } from 'postgres';
import { toSafeInteger } from './database';
import type { LogPosition } from './types';

/** A reader's place in the log; `revision` changes with every write so writers can detect a race. */
export interface Checkpoint {
  readonly position: LogPosition;
  readonly revision: string;
}

export const ensureCheckpoint = async (sql: Sql, name: string): Promise<void> => {
  await sql`INSERT INTO projection_checkpoints (name) VALUES (${name}) ON CONFLICT (name) DO NOTHING`;
};

export const readCheckpoint = async (sql: Sql, name: string): Promise<Checkpoint> => {
  const [row] = await sql<{ tx_id: string; global_position: string; revision: string }[]>`
    SELECT tx_id, global_position, revision FROM projection_checkpoints WHERE name = ${name}`;
  if (!row) throw new Error(`checkpoint ${name} does not exist`);
  return {
    position: { txId: row.tx_id, globalPosition: toSafeInteger(row.global_position) },
    revision: row.revision,
  };
};

/** Moves the checkpoint unless someone else moved it since `from` was read; true when it moved. */
export const advanceCheckpoint = async (sql: Sql, name: string, from: Checkpoint, to: LogPosition): Promise<boolean> => {
  const rows = await sql`
    UPDATE projection_checkpoints
    SET tx_id = ${to.txId}::text::xid8, global_position = ${to.globalPosition}::bigint,
        revision = revision + 1, updated_at = now()
    WHERE name = ${name} AND revision = ${from.revision}::bigint`;
  return rows.count === 1;
};
