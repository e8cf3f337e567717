import { randomUUID } from 'node:crypto';
import type { Sql } from 'postgres';
import { createDatabaseClient } from '../database';
import { applicationRoleOf, migrate } from '../migrations/runner';
import type { NewEvent } from '../types';
import type { JsonObject } from '../canonical-json';

/**
 * Integration tests run against a real PostgreSQL given by the environment, never a default:
 * DATABASE_URL plays every app's part, MIGRATION_DATABASE_URL owns the schema (not a superuser),
 * SUPERUSER_DATABASE_URL does what neither may (tampering with events past the triggers).
 */
export const databaseUrls = (): { app: string; migration: string; superuser: string } => {
  const app = process.env['DATABASE_URL'];
  const migration = process.env['MIGRATION_DATABASE_URL'];
  const superuser = process.env['SUPERUSER_DATABASE_URL'];
  if (!app || !migration || !superuser) {
    throw new Error(
      'Integration tests need DATABASE_URL (the application role), MIGRATION_DATABASE_URL (the schema owner) and ' +
        'SUPERUSER_DATABASE_URL; start the local stack (npm run stack -- up postgres) and eval "$(infra/local/stack env)".',
    );
  }
  return { app, migration, superuser };
};

export { applicationRoleOf };

export interface TestDatabase {
  /** The application role's pool. */
  readonly sql: Sql;
  /** A superuser's pool, for what the application role may not do. */
  readonly admin: Sql;
  close(): Promise<void>;
}

/** Migrates as the schema owner (idempotent, safe in parallel) and opens both pools. */
export const openTestDatabase = async (name: string, maxConnections = 10): Promise<TestDatabase> => {
  const urls = databaseUrls();
  const owner = createDatabaseClient(urls.migration, { applicationName: `${name}-migrate`, maxConnections: 1 });
  try {
    await migrate(owner, { applicationRole: applicationRoleOf(urls.app) });
  } finally {
    await owner.end({ timeout: 5 });
  }
  const admin = createDatabaseClient(urls.superuser, { applicationName: `${name}-admin`, maxConnections: 4 });
  // Postgres.js 3.4's reserve() waits for ever on a pool that has not connected yet; tests reserve.
  await admin`SELECT 1`;
  const sql = createDatabaseClient(urls.app, { applicationName: name, maxConnections });
  return {
    sql,
    admin,
    close: async () => {
      await Promise.all([sql.end({ timeout: 5 }), admin.end({ timeout: 5 })]);
    },
  };
};

/** A stream id no other test (or run) uses, so tests never truncate. */
export const newStreamId = (label = 'episode'): string => `test-${label}-${randomUUID()}`;

export const newEvent = (type = 'SessionRecorded', data: JsonObject = { minutes: 30 }): NewEvent => ({
  eventId: randomUUID(),
  type,
  data,
  metadata: {
    actor: 'user-test',
    correlationId: randomUUID(),
    occurredAt: '2025-03-01T10:00:00.000Z',
  },
});

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Opens a transaction that holds a transaction id for `ms`, as another test worker's would: until it
 * ends, readers (which stay below `pg_snapshot_xmin`) see nothing committed after it began.
 * Resolves once the id is taken; `ended` resolves when the transaction has committed.
 */
export const holdTransactionOpen = async (sql: Sql, ms: number): Promise<{ ended: Promise<void> }> => {
  let taken: () => void = () => undefined;
  const idTaken = new Promise<void>((resolve) => {
    taken = resolve;
  });
  const ended = sql.begin(async (tx) => {
    await tx`SELECT pg_current_xact_id()`;
    taken();
    await sleep(ms);
  });
  await Promise.race([idTaken, ended]);
  return { ended: ended.then(() => undefined) };
};
