import { randomUUID } from 'node:crypto';
import type { Sql } from 'postgres';
import { applicationRoleOf, closeDatabaseClient, createDatabaseClient, migrate } from '@careflow/event-store';
import { databaseUrls } from '@careflow/event-store/testing';
import { auditKeyring, type AuditKeyring } from '../keys';

export interface ScratchTrail {
  /** The application role, in the scratch schema. */
  readonly sql: Sql;
  /** The schema owner, in the scratch schema. */
  readonly owner: Sql;
  readonly applicationRole: string;
  close(): Promise<void>;
}

/**
 * A freshly migrated schema of its own: one audit chain per test file, so neither other test runs
 * nor anybody's API on the shared database can add records to the chain a test verifies.
 */
export const openScratchTrail = async (name: string): Promise<ScratchTrail> => {
  const urls = databaseUrls();
  const applicationRole = applicationRoleOf(urls.app);
  const schema = `audit_${randomUUID().replace(/-/g, '')}`;
  const owner = createDatabaseClient(urls.migration, { applicationName: `${name}-owner`, searchPath: schema, maxConnections: 4 });
  await owner.unsafe(`CREATE SCHEMA ${schema}`);
  await migrate(owner, { applicationRole });
  const sql = createDatabaseClient(urls.app, { applicationName: name, searchPath: schema, maxConnections: 10 });
  return {
    sql,
    owner,
    applicationRole,
    close: async () => {
      await closeDatabaseClient(sql);
      await owner.unsafe(`DROP SCHEMA ${schema} CASCADE`);
      await closeDatabaseClient(owner);
    },
  };
};

export const testKeyring = (): AuditKeyring =>
  auditKeyring([
    { id: 'k2', secret: Buffer.alloc(32, 2) },
    { id: 'k1', secret: Buffer.alloc(32, 1) },
  ]);
