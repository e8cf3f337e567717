/** Test code only: helpers for specs at every level (`@careflow/event-store/testing`). */
export { pollUntil, PollTimeoutError } from './src/testing/poll-until';
export type { PollOptions } from './src/testing/poll-until';
export { databaseUrls, holdTransactionOpen, newStreamId, openTestDatabase } from './src/testing/database';
export type { TestDatabase } from './src/testing/database';
