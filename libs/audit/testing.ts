/** Test code only: a scratch audit trail for integration specs (`@careflow/audit/testing`). */
export { openScratchTrail, testKeyring } from './src/testing/scratch-trail';
export type { ScratchTrail } from './src/testing/scratch-trail';
