import { randomUUID } from 'node:crypto';
import type { Sql } from 'postgres';
import { applicationRoleOf, closeDatabaseClient, createDatabaseClient, migrate } from '@careflow/event-store';
import { databaseUrls } from '@careflow/event-store/testing';
import { auditKeyring, type AuditKeyring } from '../keys';

export interface ScratchTrail {
  /** The api's own role (API_DATABASE_URL), the one that writes the trail. */
  readonly sql: Sql;
  /** The schema owner (not a superuser), who runs the retention purge. */
  readonly owner: Sql;
  /** A superuser, for tampering past the triggers on purpose. */
  readonly superuser: Sql;
  readonly apiRole: string;
  close(): Promise<void>;
}

const apiDatabaseUrl = (): string => {
  const url = process.env['API_DATABASE_URL'];
  if (!url) throw new Error('API_DATABASE_URL is not set: eval "$(infra/local/stack env)"');
  return url;
};

/**
 * A freshly migrated schema of its own: one audit chain per test, so neither other test runs nor
 * anybody's API on the shared database can add records to the chain a test verifies.
 */
export const openScratchTrail = async (name: string): Promise<ScratchTrail> => {
  const urls = databaseUrls();
  const apiUrl = apiDatabaseUrl();
  const apiRole = applicationRoleOf(apiUrl);
  const schema = `audit_${randomUUID().replace(/-/g, '')}`;
  const owner = createDatabaseClient(urls.migration, { applicationName: `${name}-owner`, searchPath: schema, maxConnections: 4 });
  await owner.unsafe(`CREATE SCHEMA ${schema}`);
  await migrate(owner, { appRoles: { api: apiRole } });
  const sql = createDatabaseClient(apiUrl, { applicationName: name, searchPath: schema, maxConnections: 10 });
  const superuser = createDatabaseClient(urls.superuser, { applicationName: `${name}-superuser`, searchPath: schema, maxConnections: 2 });
  return {
    sql,
    owner,
    superuser,
    apiRole,
    close: async () => {
      await Promise.all([closeDatabaseClient(sql), closeDatabaseClient(superuser)]);
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
