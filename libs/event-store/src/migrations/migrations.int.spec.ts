import { randomUUID } from 'node:crypto';
import { closeDatabaseClient, createDatabaseClient } from '../database';
import { readOutbox } from '../outbox';
import { startOfLog } from '../types';
import { applicationRoleOf, databaseUrls, holdTransactionOpen, openTestDatabase, type TestDatabase } from '../testing/database';
import { pollUntil } from '../testing/poll-until';
import { readModelTables } from './0002-read-models';
import { eventStoreMigrations, migrate, MigrationError } from './runner';

let db: TestDatabase;
const role = applicationRoleOf(databaseUrls().app);

beforeAll(async () => {
  db = await openTestDatabase('event-store-migrations');
});

afterAll(async () => {
  await db.close();
});

/** A schema of its own, so a test can migrate from nothing while the shared one stays current. */
const withScratchSchema = async (test: (schema: string) => Promise<void>): Promise<void> => {
  const schema = `scratch_${randomUUID().replace(/-/g, '')}`;
  // Migrations run as the schema owner, a role that is not a superuser: the scratch schema is its own.
  await db.admin.unsafe(`CREATE SCHEMA ${schema} AUTHORIZATION ${new URL(databaseUrls().migration).username}`);
  try {
    await test(schema);
  } finally {
    await db.admin.unsafe(`DROP SCHEMA ${schema} CASCADE`);
  }
};

describe('migrate', () => {
  it('applies each migration once when several processes start at once on an empty schema', async () => {
    await withScratchSchema(async (schema) => {
      const pools = [1, 2, 3].map((n) =>
        createDatabaseClient(databaseUrls().migration, {
          applicationName: `event-store-migrate-${n}`,
          searchPath: schema,
          maxConnections: 1,
        }),
      );
      try {
        const results = await Promise.all(pools.map((pool) => migrate(pool, { applicationRole: role })));
        const everyVersion = eventStoreMigrations.map((migration) => migration.version);
        // Who applies which version depends on who takes the lock first; each is applied by exactly one.
        expect(results.flatMap((result) => result.applied).sort((a, b) => a - b)).toEqual(everyVersion);
        const versions = await db.admin.unsafe<{ version: number }[]>(
          `SELECT version FROM ${schema}.event_store_migrations ORDER BY version`,
        );
        expect(versions.map((row) => row.version)).toEqual(everyVersion);
      } finally {
        await Promise.all(pools.map((pool) => pool.end({ timeout: 5 })));
      }
    });
  });

  it('refuses a migration edited after it was applied, and versions out of order', async () => {
    const edited = eventStoreMigrations.map((migration) =>
      migration.version === 1 ? { ...migration, sql: `${migration.sql}\n-- edited` } : migration,
    );
    await expect(migrate(db.admin, { applicationRole: role, migrations: edited })).rejects.toThrow(
      new MigrationError(
        'migration 1 ("event log, outbox, checkpoints, processed events") was edited after it was applied; add a new migration instead',
      ),
    );
    await expect(migrate(db.admin, { applicationRole: role, migrations: [...eventStoreMigrations].reverse() })).rejects.toThrow(
      MigrationError,
    );
  });

  it('grants the application role what the store needs and never UPDATE, DELETE or TRUNCATE on events', async () => {
    const tables = JSON.stringify(['events', 'outbox', 'projection_checkpoints', 'processed_events', ...readModelTables]);
    const privileges = await db.admin<{ table: string; privilege: string; granted: boolean }[]>`
      SELECT t.name AS table, p.privilege, has_table_privilege(${role}, t.name, p.privilege) AS granted
      FROM jsonb_array_elements_text(${tables}::text::jsonb) AS t(name)
      CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) AS p(privilege)
      ORDER BY 1, 2`;
    const granted = Object.fromEntries(
      [...new Set(privileges.map((row) => row.table))].map((table) => [
        table,
        privileges.filter((row) => row.table === table && row.granted).map((row) => row.privilege),
      ]),
    );
    expect(granted).toEqual({
      episode_summaries: ['DELETE', 'INSERT', 'SELECT', 'UPDATE'],
      episode_worklists: ['DELETE', 'INSERT', 'SELECT', 'UPDATE'],
      events: ['INSERT', 'SELECT'],
      outbox: ['DELETE', 'INSERT', 'SELECT'],
      processed_events: ['DELETE', 'INSERT', 'SELECT'],
      projection_checkpoints: ['INSERT', 'SELECT', 'UPDATE'],
    });
  });

  it('names an application role that does not exist', async () => {
    await expect(migrate(db.admin, { applicationRole: 'no_such_role' })).rejects.toThrow(
      'the application role no_such_role does not exist',
    );
  });

  it('keeps unpublished outbox rows of a store released before the outbox was slimmed (migration 4), even while another transaction is open', async () => {
    await withScratchSchema(async (schema) => {
      const owner = createDatabaseClient(databaseUrls().migration, {
        applicationName: 'event-store-upgrade',
        searchPath: schema,
        maxConnections: 1,
      });
      try {
        await migrate(owner, { applicationRole: role, migrations: eventStoreMigrations.slice(0, 3) });
        const otherWorker = await holdTransactionOpen(db.admin, 500);
        await owner.unsafe(`
          INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, metadata, previous_hash, hash)
          VALUES ('episode-upgraded', 1, '0190a4c6-0000-7000-8000-000000000001', 'ReferralReceived', 1, '{"n":1}',
                  '{"actor":"user-test","correlationId":"c-1","occurredAt":"2025-03-01T10:00:00Z","recordedAt":"2025-03-01T10:00:01Z"}',
                  '\\x00', '\\x01');
          INSERT INTO outbox (global_position, event_id, stream_id, stream_version, topic, key, source)
          SELECT global_position, event_id, stream_id, stream_version, 'careflow.episode-events.v1', stream_id, 'careflow/worker'
          FROM events`);

        expect(await migrate(owner, { applicationRole: role })).toEqual({
          applied: eventStoreMigrations.slice(3).map((migration) => migration.version),
        });

        // The outbox is read below every open transaction of the whole server, other test workers' too.
        const [message] = await pollUntil(
          () => readOutbox(owner, startOfLog),
          (messages) => messages.length > 0,
          {
            what: 'the upgraded outbox row becomes readable',
          },
        );
        await otherWorker.ended;
        expect(message).toMatchObject({
          topic: 'careflow.episode-events.v1',
          key: 'episode-upgraded',
          headers: { ce_id: '0190a4c6-0000-7000-8000-000000000001', ce_source: 'careflow/worker', ce_type: 'ReferralReceived' },
        });
      } finally {
        await closeDatabaseClient(owner);
      }
    });
  });
});
