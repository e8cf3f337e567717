import type { Sql, TransactionSql } from 'postgres';
import { toSafeInteger } from './database';
import { genesisHash, linkHash } from './hashing';
import { eventsAsJson, type PreparedAppend } from './prepare-append';

type Database = Sql | TransactionSql;

/** A stream's last event, the one an append chains to (version 0: the stream does not exist yet). */
export interface StreamHead {
  readonly version: number;
  readonly hash: Buffer;
  /** The transaction that wrote it (xid8 text); null for a new stream. */
  readonly txId: string | null;
}

export const newStreamHead: StreamHead = { version: 0, hash: genesisHash, txId: null };

export const readHead = async (db: Database, streamId: string): Promise<StreamHead> => {
  const [row] = await db<{ stream_version: number; hash: Buffer; tx_id: string }[]>`
    SELECT stream_version, hash, tx_id FROM events
    WHERE stream_id = ${streamId}
    ORDER BY stream_version DESC
    LIMIT 1`;
  return row ? { version: row.stream_version, hash: row.hash, txId: row.tx_id } : newStreamHead;
};

// Up to this many events, the events travel as parameters of a VALUES list, one prepared statement
// per count; more travel as one JSON array, one prepared statement for every count. Never unprepared:
// a connection killed while Postgres.js waits for a statement description leaves it stuck.
const valuesUpTo = 16;
const columnsPerEvent = 7;
const fixedParameters = 5;
const statements = new Map<number, string>();

/**
 * The insert for `count` events: the events and their outbox rows in one statement (so one
 * transaction), and nothing at all when the head was written by a newer transaction than this one —
 * readers order the log by transaction id, and an older transaction appending after a newer one
 * would put the stream out of order for them (rare; a retry runs in a newer transaction). Its own
 * earlier rows are in order already, so a head from this very transaction is fine.
 */
const insertStatement = (count: number): string => {
  const key = count <= valuesUpTo ? count : 0;
  const known = statements.get(key);
  if (known) return known;
  const rows =
    key === 0
      ? `SELECT g.ord::integer, (g.e->>'eventId')::uuid, g.e->>'type', (g.e->>'schemaVersion')::integer, g.e->'data',
                g.e->'metadata', decode(g.e->>'previousHash', 'hex'), decode(g.e->>'hash', 'hex')
         FROM jsonb_array_elements($6::text::jsonb) WITH ORDINALITY AS g(e, ord)`
      : `VALUES ${Array.from({ length: count }, (_, index) => {
          const p = fixedParameters + index * columnsPerEvent;
          return `(${index + 1}, $${p + 1}::uuid, $${p + 2}::text, $${p + 3}::integer, $${p + 4}::text::jsonb, $${p + 5}::text::jsonb, $${p + 6}::bytea, $${p + 7}::bytea)`;
        }).join(', ')}`;
  const statement = `
    WITH inserted AS (
      INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, metadata, previous_hash, hash)
      SELECT $1, $2::integer + v.ord, v.event_id, v.type, v.schema_version, v.data, v.metadata, v.previous_hash, v.hash
      FROM (${rows}) AS v(ord, event_id, type, schema_version, data, metadata, previous_hash, hash)
      WHERE $5::text IS NULL OR $5::text::xid8 <= pg_current_xact_id()
      ORDER BY v.ord
      RETURNING global_position, stream_version, tx_id
    ), published AS (
      INSERT INTO outbox (tx_id, global_position, topic, source)
      SELECT i.tx_id, i.global_position, $3, $4 FROM inserted i
    )
    SELECT global_position, tx_id FROM inserted ORDER BY stream_version`;
  statements.set(key, statement);
  return statement;
};

/**
 * Appends after `head`, which must be the stream's event at the expected version: the hashes are
 * chained here, the database only stores them. One round trip. Another writer at the same version
 * makes this fail with unique_violation on (stream, version) (the index waits for it to commit);
 * an event id used before fails with unique_violation on the event id. Returns null when the head's
 * transaction is newer than this one (nothing written).
 */
export const insertEvents = async (
  db: Database,
  prepared: PreparedAppend,
  head: StreamHead,
  topic: string,
  source: string,
): Promise<{ positions: number[]; head: StreamHead } | null> => {
  const hashes: Buffer[] = [];
  let previous = head.hash;
  for (const event of prepared.events) {
    previous = linkHash(previous, event.contentHash);
    hashes.push(previous);
  }
  const previousOf = (index: number): Buffer => (index === 0 ? head.hash : (hashes[index - 1] as Buffer));
  const count = prepared.events.length;
  const parameters: unknown[] = [prepared.streamId, prepared.expectedVersion, topic, source, head.txId];
  if (count <= valuesUpTo) {
    prepared.events.forEach((event, index) => {
      parameters.push(event.eventId, event.type, event.schemaVersion, event.dataJson, event.metadataJson, previousOf(index), hashes[index]);
    });
  } else {
    parameters.push(
      eventsAsJson(
        prepared,
        (index) => `,"previousHash":"${previousOf(index).toString('hex')}","hash":"${(hashes[index] as Buffer).toString('hex')}"`,
      ),
    );
  }
  const rows = await db.unsafe<{ global_position: string; tx_id: string }[]>(insertStatement(count), parameters as never[], {
    prepare: true,
  });
  const last = rows[rows.length - 1];
  if (!last) return null;
  return {
    positions: rows.map((row) => toSafeInteger(row.global_position)),
    head: { version: prepared.expectedVersion + count, hash: previous, txId: last.tx_id },
  };
};

/** Why an append wrote nothing, as the database sees it now. */
export type Unwritten =
  /** Every event is already stored, the same, in this stream: the positions they have. */
  | { readonly kind: 'duplicate'; readonly nextExpectedVersion: number; readonly globalPositions: number[] }
  /** An event id belongs to other content (or another stream or batch). */
  | { readonly kind: 'reused'; readonly eventId: string }
  | { readonly kind: 'conflict'; readonly actualVersion: number }
  /** The stream is at the expected version after all: the head it had was stale, or newer than this transaction. */
  | { readonly kind: 'retry' };

export const settleUnwritten = async (db: Database, prepared: PreparedAppend): Promise<Unwritten> => {
  const [row] = await db<
    { outcome: string; next_version: number | null; positions: number[] | null; offending_event_id: string | null; actual: number }[]
  >`
    SELECT c.outcome, c.next_version, to_jsonb(c.positions) AS positions, c.offending_event_id,
           (SELECT coalesce(max(e.stream_version), 0) FROM events e WHERE e.stream_id = ${prepared.streamId}) AS actual
    FROM classify_repeated_append(${prepared.streamId}, ${eventsAsJson(prepared)}::text::jsonb) AS c`;
  if (!row) throw new Error('classify_repeated_append returned no row');
  if (row.outcome === 'duplicate') {
    return {
      kind: 'duplicate',
      nextExpectedVersion: row.next_version ?? 0,
      globalPositions: (row.positions ?? []).map(toSafeInteger),
    };
  }
  if (row.outcome === 'reused') return { kind: 'reused', eventId: row.offending_event_id ?? 'unknown' };
  return row.actual === prepared.expectedVersion ? { kind: 'retry' } : { kind: 'conflict', actualVersion: row.actual };
};
