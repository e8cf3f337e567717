import type { Sql, TransactionSql } from 'postgres';
import { canonicalJson, type JsonObject } from './canonical-json';
import { toSafeInteger } from './database';
import { contentHash, genesisHash, linkHash } from './hashing';

export type BrokenLinkReason =
  /** The event's content no longer hashes to its stored hash: it was changed. */
  | 'content-changed'
  /** The event's previous hash is not the hash of the event before it: events were replaced or reordered. */
  | 'chain-broken'
  /** A version is missing: events were deleted. */
  | 'version-missing';

export interface BrokenLink {
  readonly streamId: string;
  /** The first version at fault. */
  readonly streamVersion: number;
  readonly globalPosition: number | null;
  readonly eventId: string | null;
  readonly reason: BrokenLinkReason;
}

export interface VerificationReport {
  readonly streamsChecked: number;
  readonly eventsChecked: number;
  /** At most one per stream: the first broken link; what follows it cannot be trusted either. */
  readonly brokenLinks: readonly BrokenLink[];
}

export interface VerifyOptions {
  /** Only these streams (all streams when omitted). */
  readonly streamIds?: readonly string[];
  readonly batchSize?: number;
}

interface ChainRow {
  readonly stream_id: string;
  readonly stream_version: number;
  readonly global_position: string;
  readonly event_id: string;
  readonly type: string;
  readonly schema_version: number;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
  readonly previous_hash: Buffer;
  readonly hash: Buffer;
}

interface StreamWalk {
  readonly streamId: string;
  nextVersion: number;
  previousHash: Buffer;
  broken: boolean;
}

const recomputedHash = (row: ChainRow): Buffer | null => {
  try {
    const content = contentHash({
      streamId: row.stream_id,
      streamVersion: row.stream_version,
      eventId: row.event_id,
      type: row.type,
      schemaVersion: row.schema_version,
      dataJson: canonicalJson(row.data),
      metadataJson: canonicalJson(row.metadata),
    });
    return linkHash(row.previous_hash, content);
  } catch {
    return null;
  }
};

/**
 * Re-walks every stream's hash chain from its first event, recomputing each hash from the stored
 * content, and names the first broken link per stream. Reads in (stream, version) order in batches.
 * A chain cannot show that events were cut off its end; that needs a head kept elsewhere (the
 * published Kafka log, or a periodic export of each stream's last hash).
 */
export const verifyHashChains = async (sql: Sql | TransactionSql, options: VerifyOptions = {}): Promise<VerificationReport> => {
  const batchSize = options.batchSize ?? 1000;
  const only = options.streamIds === undefined ? null : JSON.stringify(options.streamIds);
  const onlyEvents = only === null ? sql`` : sql`AND e.stream_id IN (SELECT jsonb_array_elements_text(${only}::text::jsonb))`;
  const brokenLinks: BrokenLink[] = [];
  let streamsChecked = 0;
  let eventsChecked = 0;
  let walk = null as StreamWalk | null;

  let after = { streamId: '', version: 0 };
  for (;;) {
    const rows = await sql<ChainRow[]>`
      SELECT e.stream_id, e.stream_version, e.global_position, e.event_id, e.type, e.schema_version, e.data,
             e.metadata, e.previous_hash, e.hash
      FROM events e
      WHERE (e.stream_id, e.stream_version) > (${after.streamId}, ${after.version}::integer)
        ${onlyEvents}
      ORDER BY e.stream_id, e.stream_version
      LIMIT ${batchSize}::integer`;

    for (const row of rows) {
      eventsChecked += 1;
      if (walk?.streamId !== row.stream_id) {
        streamsChecked += 1;
        walk = { streamId: row.stream_id, nextVersion: 1, previousHash: genesisHash, broken: false };
      }
      if (walk.broken) continue;
      const reason: BrokenLinkReason | null =
        row.stream_version !== walk.nextVersion
          ? 'version-missing'
          : !row.previous_hash.equals(walk.previousHash)
            ? 'chain-broken'
            : !recomputedHash(row)?.equals(row.hash)
              ? 'content-changed'
              : null;
      if (reason) {
        walk.broken = true;
        brokenLinks.push({
          streamId: row.stream_id,
          streamVersion: reason === 'version-missing' ? walk.nextVersion : row.stream_version,
          globalPosition: reason === 'version-missing' ? null : toSafeInteger(row.global_position),
          eventId: reason === 'version-missing' ? null : row.event_id,
          reason,
        });
        continue;
      }
      walk.nextVersion = row.stream_version + 1;
      walk.previousHash = row.hash;
    }

    const last = rows[rows.length - 1];
    if (!last || rows.length < batchSize) break;
    after = { streamId: last.stream_id, version: last.stream_version };
  }
  return { streamsChecked, eventsChecked, brokenLinks };
};
