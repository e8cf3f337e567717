import type { Sql } from 'postgres';
import { ensureCheckpoint, readCheckpoint } from '../checkpoints';
import { runRepeatable } from '../database';
import { readLogAfter, toRecordedEvent } from '../event-store';
import { startPolling, type PollingOptions, type RunningPoller } from '../polling';
import { logPositionOf, type RecordedEvent } from '../types';
import type { Projection } from './projection';

export interface ProjectionRunner {
  /** Projects the next batch of the log; returns how many events it read (0 = caught up). */
  processNextBatch(): Promise<number>;
  /** Projects until caught up with everything committed; returns how many events it read. */
  catchUp(): Promise<number>;
  /** Empties the read model and rewinds the checkpoint to the start of the log, in one statement. */
  rebuild(): Promise<void>;
  /** Keeps projecting in the background until stopped. */
  start(options: PollingOptions): RunningPoller;
}

export interface ProjectionRunnerOptions {
  readonly batchSize?: number;
}

const identifierPattern = /^[a-z_][a-z0-9_]{0,62}$/;

const identifier = (name: string, what: string): string => {
  if (!identifierPattern.test(name)) throw new Error(`projection ${what} "${name}" must be a lower-case identifier`);
  return name;
};

/**
 * Statements of one projection. Identifiers cannot be bound, so they are checked against a strict
 * pattern and spliced in once.
 */
const statementsFor = <Row extends object>(projection: Projection<Row>) => {
  const table = identifier(projection.table, 'table');
  const key = identifier(projection.keyColumn, 'key column');
  const columns = projection.columns.map((column) => identifier(column, 'column'));
  if (!columns.includes(key)) throw new Error(`projection ${projection.name} must write its key column ${key}`);
  const list = columns.join(', ');
  const updates = columns.filter((column) => column !== key).map((column) => `${column} = EXCLUDED.${column}`);

  return {
    load: `SELECT to_jsonb(t) AS row FROM ${table} t WHERE ${key} IN (SELECT jsonb_array_elements_text($1::text::jsonb))`,
    // The read-model writes happen only if the checkpoint moved from the revision this batch started
    // at: checkpoint and read model commit together or not at all, so each event counts once.
    write: `
      WITH checkpoint AS (
        UPDATE projection_checkpoints
        SET tx_id = $2::text::xid8, global_position = $3::bigint, revision = revision + 1, updated_at = now()
        WHERE name = $1 AND revision = $4::bigint
        RETURNING 1
      ), removed AS (
        DELETE FROM ${table}
        WHERE ${key} IN (SELECT jsonb_array_elements_text($5::text::jsonb)) AND EXISTS (SELECT 1 FROM checkpoint)
      ), written AS (
        INSERT INTO ${table} (${list})
        SELECT ${list} FROM jsonb_populate_recordset(NULL::${table}, $6::text::jsonb)
        WHERE EXISTS (SELECT 1 FROM checkpoint)
        ON CONFLICT (${key}) DO ${updates.length > 0 ? `UPDATE SET ${updates.join(', ')}` : 'NOTHING'}
      )
      SELECT count(*)::integer AS moved FROM checkpoint`,
    rebuild: `
      WITH checkpoint AS (
        UPDATE projection_checkpoints
        SET tx_id = '0', global_position = 0, revision = revision + 1, updated_at = now()
        WHERE name = $1
        RETURNING 1
      )
      DELETE FROM ${table} WHERE EXISTS (SELECT 1 FROM checkpoint)`,
  };
};

/** Folds a batch into the rows it touches; null marks a row to delete. */
const foldBatch = <Row extends object>(
  projection: Projection<Row>,
  events: readonly RecordedEvent[],
  current: Map<string, Row | null>,
): Map<string, Row | null> => {
  const touched = new Map<string, Row | null>();
  for (const event of events) {
    const key = projection.keyOf(event);
    if (key === null) continue;
    const next = projection.evolve(touched.has(key) ? (touched.get(key) ?? null) : (current.get(key) ?? null), event);
    if (next !== null && (next as Record<string, unknown>)[projection.keyColumn] !== key) {
      throw new Error(`projection ${projection.name} returned a row for another key than the event's`);
    }
    touched.set(key, next);
  }
  return touched;
};

/** Runs one projection: checkpointed, resumable, rebuildable, and exactly once per event. */
export const createProjectionRunner = <Row extends object>(
  sql: Sql,
  projection: Projection<Row>,
  options: ProjectionRunnerOptions = {},
): ProjectionRunner => {
  const batchSize = options.batchSize ?? 500;
  const statements = statementsFor(projection);
  let ready = false;

  const ensureReady = async (): Promise<void> => {
    if (ready) return;
    await runRepeatable(sql, 'projection checkpoint', () => ensureCheckpoint(sql, projection.name));
    ready = true;
  };

  const processNextBatch = async (): Promise<number> => {
    await ensureReady();
    const checkpoint = await runRepeatable(sql, 'projection checkpoint', () => readCheckpoint(sql, projection.name));
    const rows = await runRepeatable(sql, 'projection read', () => readLogAfter(sql, checkpoint.position, batchSize));
    const events = rows.map(toRecordedEvent);
    const last = events[events.length - 1];
    if (!last) return 0;

    const keys = [...new Set(events.map((event) => projection.keyOf(event)).filter((key) => key !== null))];
    const current = new Map<string, Row | null>();
    if (keys.length > 0) {
      const loaded = await runRepeatable(sql, 'projection load', () =>
        sql.unsafe<{ row: Row }[]>(statements.load, [JSON.stringify(keys)], { prepare: true }),
      );
      for (const { row } of loaded) current.set(String((row as Record<string, unknown>)[projection.keyColumn]), row);
    }

    const touched = foldBatch(projection, events, current);
    const removed = [...touched].filter(([, row]) => row === null).map(([key]) => key);
    const written = [...touched.values()].filter((row): row is Row => row !== null);
    const position = logPositionOf(last);
    await runRepeatable(sql, 'projection write', () =>
      sql.unsafe(
        statements.write,
        [projection.name, position.txId, position.globalPosition, checkpoint.revision, JSON.stringify(removed), JSON.stringify(written)],
        { prepare: true },
      ),
    );
    // When another runner moved the checkpoint first nothing was written; the next batch starts from there.
    return events.length;
  };

  const catchUp = async (): Promise<number> => {
    let total = 0;
    for (let read = await processNextBatch(); read > 0; read = await processNextBatch()) total += read;
    return total;
  };

  const rebuild = async (): Promise<void> => {
    await ensureReady();
    await runRepeatable(sql, 'projection rebuild', () => sql.unsafe(statements.rebuild, [projection.name], { prepare: true }));
  };

  return { processNextBatch, catchUp, rebuild, start: (polling) => startPolling(processNextBatch, polling) };
};
