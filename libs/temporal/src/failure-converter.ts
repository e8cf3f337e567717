import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Moves failure messages and stack traces into an encoded payload so the payload codec encrypts
 * them: a domain refusal or a crash can quote patient data. Temporal loads this module by path,
 * also inside the workflow bundle, so it imports nothing but @temporalio/common.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
