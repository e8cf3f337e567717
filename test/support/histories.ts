/**
 * Recorded workflow histories for test/replay. Every patient in them is made up.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { PayloadKeyring } from '@careflow/temporal';

/**
 * The key for workflow tests. It is fixed (and public) so histories recorded here can be replayed in
 * test/replay; every patient in them is made up. Production keys come from PAYLOAD_KEYS.
 */
export const historyFixtureKeyring: PayloadKeyring = {
  activeKeyId: 'test-fixtures',
  keys: { 'test-fixtures': createHash('sha256').update('careflow workflow test fixtures').digest() },
};

/** The namespace the time-skipping server and the local stack run tests in; recorded payloads are bound to it. */
export const historyFixtureNamespace = 'default';

/**
 * Histories are stored as protobufjs objects (bytes as base64) rather than proto3 JSON: jest's
 * sandbox has its own Uint8Array, which the proto3 JSON serializer does not recognise.
 */
export const historyToObject = (history: temporal.api.history.v1.IHistory): Record<string, unknown> =>
  temporal.api.history.v1.History.toObject(temporal.api.history.v1.History.fromObject(history), {
    longs: String,
    enums: String,
    bytes: String,
  });

export const historyFromObject = (value: unknown): temporal.api.history.v1.History =>
  temporal.api.history.v1.History.fromObject(value as Record<string, unknown>);

/** With RECORD_HISTORIES=1, writes the episode's history to test/replay/histories/<name>.json. */
export const recordHistory = async (episode: { handle: WorkflowHandle }, name: string): Promise<void> => {
  if (process.env['RECORD_HISTORIES'] !== '1') return;
  const history = await episode.handle.fetchHistory();
  writeFileSync(join(__dirname, '..', 'replay', 'histories', `${name}.json`), `${JSON.stringify(historyToObject(history), null, 1)}\n`);
};
