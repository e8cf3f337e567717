import { type DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './encryption-codec';
import { type PayloadKeyring } from './keyring';

/**
 * Path of the module exporting `failureConverter`. Temporal takes failure converters by path only;
 * pass it to `bundleWorkflowCode({ failureConverterPath })` when prebuilding a workflow bundle.
 */
export const failureConverterPath = require.resolve('./failure-converter');

/**
 * The one data converter of the client, the worker and the tests: every payload and failure encrypted,
 * bound to `namespace` (the client's or worker's Temporal namespace).
 */
export function createDataConverter(keyring: PayloadKeyring, namespace: string): DataConverter {
  return {
    payloadCodecs: [new EncryptionCodec(keyring, namespace)],
    failureConverterPath,
  };
}
