import { Client, Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { createDataConverter } from './data-converter';
import { type PayloadKeyring } from './keyring';

export interface TemporalClientOptions {
  /** host:port of the Temporal frontend, e.g. localhost:7233. */
  readonly address: string;
  readonly namespace: string;
  readonly keyring: PayloadKeyring;
}

/** A client whose payloads and failures go through the encryption codec. Close it with `client.connection.close()`. */
export async function connectTemporalClient(options: TemporalClientOptions): Promise<Client> {
  const connection = await Connection.connect({ address: options.address });
  return new Client({
    connection,
    namespace: options.namespace,
    dataConverter: createDataConverter(options.keyring, options.namespace),
  });
}

/** The worker's connection; give the worker `createDataConverter(keyring, namespace)` as its data converter. */
export async function createWorkerConnection(address: string): Promise<NativeConnection> {
  // Loaded on demand so the API, which only needs the client, never loads the worker's native runtime.
  const { NativeConnection } = await import('@temporalio/worker');
  return NativeConnection.connect({ address });
}
