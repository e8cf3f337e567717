import { hash } from 'node:crypto';

/**
 * The per-stream hash chain.
 *   content hash = sha256(canonical JSON of the event as stored)
 *   hash         = sha256(previous hash ‖ content hash), previous hash of version 1 = 32 zero bytes
 * The append computes both before it writes (the database only stores them); the verifier
 * recomputes both from the stored rows.
 */
export const genesisHash: Buffer = Buffer.alloc(32);

export interface HashedEventFields {
  readonly streamId: string;
  readonly streamVersion: number;
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  /** Canonical JSON of data and metadata (see canonical-json.ts). */
  readonly dataJson: string;
  readonly metadataJson: string;
}

/**
 * Canonical JSON of {data, eventId, metadata, schemaVersion, streamId, streamVersion, type}, keys in
 * canonical order, built from the already canonical data and metadata so nothing is serialised twice.
 */
export const hashedContent = (event: HashedEventFields): string =>
  `{"data":${event.dataJson},"eventId":${JSON.stringify(event.eventId)},"metadata":${event.metadataJson},` +
  `"schemaVersion":${event.schemaVersion},"streamId":${JSON.stringify(event.streamId)},` +
  `"streamVersion":${event.streamVersion},"type":${JSON.stringify(event.type)}}`;

// One-shot hashing: every append hashes each event twice, and a Hash object per call costs more
// than the digest itself.
export const contentHash = (event: HashedEventFields): Buffer => hash('sha256', hashedContent(event), 'buffer');

export const linkHash = (previousHash: Uint8Array, content: Uint8Array): Buffer =>
  hash('sha256', Buffer.concat([previousHash, content]), 'buffer');
