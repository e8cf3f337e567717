import type { Migration } from './migration';

/**
 * The store chains hashes itself (hashing.ts), next to the verifier that re-checks them, and only
 * stores them: the database copy of the rule goes, so the rule lives in one place.
 */
export const hashesFromTheStoreMigration: Migration = {
  version: 6,
  name: 'hash chain computed by the store',
  sql: /* sql */ `
DROP FUNCTION chain_hashes(bytea, bytea[]);
`,
};
