import type { Sql } from 'postgres';
import { closeDatabaseClient, createDatabaseClient } from '../database';
import { createEventStore } from '../event-store';
import { readOutbox } from '../outbox';
import { applicationRoleOf, databaseUrls, newEvent, newStreamId, openTestDatabase, type TestDatabase } from '../testing/database';
import { type DatabaseApp, databaseApps } from './grants';
import { migrate } from './runner';

/** Each app's own URL from the environment (`infra/local/stack env` prints them). */
const appUrl = (app: DatabaseApp): string => {
  const variable = `${app.toUpperCase()}_DATABASE_URL`;
  const url = process.env[variable];
  if (!url) throw new Error(`${variable} is not set: eval "$(infra/local/stack env)"`);
  return url;
};

const outboxTopic = 'careflow.episode-events.v1';
let db: TestDatabase;
const pools = {} as Record<DatabaseApp, Sql>;

beforeAll(async () => {
  db = await openTestDatabase('event-store-app-roles', 2);
  const owner = createDatabaseClient(databaseUrls().migration, { applicationName: 'event-store-app-roles-migrate', maxConnections: 1 });
  try {
    await migrate(owner, { appRoles: Object.fromEntries(databaseApps.map((app) => [app, applicationRoleOf(appUrl(app))])) });
  } finally {
    await closeDatabaseClient(owner);
  }
  for (const app of databaseApps)
    pools[app] = createDatabaseClient(appUrl(app), { applicationName: `app-roles-${app}`, maxConnections: 2 });
});

afterAll(async () => {
  await Promise.all(databaseApps.map((app) => closeDatabaseClient(pools[app])));
  await db.close();
});

/** The SQLSTATE a statement fails with, or 'ok'. */
const outcome = async (statement: Promise<unknown>): Promise<string> => {
  try {
    await statement;
    return 'ok';
  } catch (error) {
    return String((error as { code?: unknown }).code);
  }
};
const refused = '42501';

/** A stream of one event appended by the worker's role, and its place in the log. */
const appendedByWorker = async () => {
  const streamId = newStreamId('roles');
  const store = createEventStore({ sql: pools.worker, outboxTopic });
  const { globalPositions } = await store.appendToStream(streamId, 0, [newEvent('ReferralReceived', { referralId: 'r-1' })]);
  const [position] = globalPositions;
  if (position === undefined) throw new Error('nothing appended');
  return { streamId, position };
};

describe('each app connects as a role of its own, with only the grants it needs', () => {
  it('the migration role is the schema owner and not a superuser', async () => {
    const [owner] = await db.admin<{ superuser: boolean; owns: boolean }[]>`
      SELECT r.rolsuper AS superuser, pg_get_userbyid(c.relowner) = r.rolname AS owns
      FROM pg_roles r, pg_class c
      WHERE r.rolname = ${applicationRoleOf(databaseUrls().migration)} AND c.oid = 'events'::regclass`;
    expect(owner).toEqual({ superuser: false, owns: true });
  });

  it('the worker appends events with their outbox rows and reads the therapist directory and caseloads', async () => {
    const { streamId } = await appendedByWorker();
    const [row] = await db.admin<{ outbox: number }[]>`
      SELECT count(*)::int AS outbox FROM outbox o JOIN events e USING (global_position) WHERE e.stream_id = ${streamId}`;
    expect(row?.outbox).toBe(1);
    expect(await outcome(pools.worker`SELECT count(*) FROM therapists`)).toBe('ok');
    expect(await outcome(pools.worker`SELECT count(*) FROM episode_summaries`)).toBe('ok');
    expect(await outcome(pools.worker`SELECT count(*) FROM therapist_caseloads`)).toBe('ok');
  });

  it('the worker cannot delete outbox rows nor write read models', async () => {
    const { position } = await appendedByWorker();
    expect(await outcome(pools.worker`DELETE FROM outbox WHERE global_position = ${position}`)).toBe(refused);
    expect(await outcome(pools.worker`DELETE FROM episode_summaries WHERE episode_id = 'none'`)).toBe(refused);
    expect(await outcome(pools.worker`DELETE FROM processed_events WHERE consumer = 'none'`)).toBe(refused);
  });

  it('the relay reads the outbox with its events and deletes what it published', async () => {
    const { streamId, position } = await appendedByWorker();
    const [mine] = await db.admin<{ tx_id: string }[]>`SELECT tx_id FROM outbox WHERE global_position = ${position}`;
    const deadline = Date.now() + 10_000;
    let messages = await readOutbox(pools.relay, { txId: mine?.tx_id ?? '0', globalPosition: position - 1 });
    // Visible once no older transaction is open (readOutbox's guard); other tests append meanwhile.
    while (!messages.some((message) => message.key === streamId) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      messages = await readOutbox(pools.relay, { txId: mine?.tx_id ?? '0', globalPosition: position - 1 });
    }
    expect(messages.find((message) => message.key === streamId)?.event.type).toBe('ReferralReceived');
    const deleted = await pools.relay`DELETE FROM outbox WHERE global_position = ${position}`;
    expect(deleted.count).toBe(1);
  });

  it('the relay cannot append events nor write outbox rows', async () => {
    const store = createEventStore({ sql: pools.relay, outboxTopic });
    await expect(store.appendToStream(newStreamId('roles'), 0, [newEvent()])).rejects.toMatchObject({ code: refused });
    expect(await outcome(pools.relay`INSERT INTO outbox (global_position, topic) VALUES (-1, 'x')`)).toBe(refused);
    expect(await outcome(pools.relay`SELECT count(*) FROM therapists`)).toBe(refused);
  });

  it('the api reads the read models, worklists, the directory and the log, and writes no event or read model', async () => {
    expect(await outcome(pools.api`SELECT count(*) FROM episode_summaries`)).toBe('ok');
    expect(await outcome(pools.api`SELECT count(*) FROM worklist_unsigned_notes`)).toBe('ok');
    expect(await outcome(pools.api`SELECT count(*) FROM events`)).toBe('ok');
    expect(await outcome(pools.api`SELECT count(*) FROM therapists`)).toBe('ok');
    expect(await outcome(pools.api`INSERT INTO events (event_id) SELECT event_id FROM events WHERE false`)).toBe(refused);
    expect(await outcome(pools.api`SELECT count(*) FROM outcomes_by_department`)).toBe('ok');
    expect(await outcome(pools.api`SELECT count(*) FROM episode_operations`)).toBe('ok');
    expect(await outcome(pools.api`SELECT count(*) FROM outbox`)).toBe(refused);
    expect(await outcome(pools.api`DELETE FROM episode_summaries WHERE episode_id = 'none'`)).toBe(refused);
  });

  it('only the api writes the audit trail, and no app may change it', async () => {
    const privileges = await db.admin<{ role: string; table: string; privilege: string }[]>`
      SELECT r.rolname AS role, t.name AS table, p.privilege
      FROM pg_roles r
      CROSS JOIN unnest(ARRAY['audit_records', 'audit_checkpoints']) AS t(name)
      CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) AS p(privilege)
      WHERE r.rolname IN ${db.admin(databaseApps.map((app) => applicationRoleOf(appUrl(app))))}
        AND has_table_privilege(r.rolname, t.name, p.privilege)
      ORDER BY 1, 2, 3`;
    const api = applicationRoleOf(appUrl('api'));
    expect(privileges).toEqual([
      { role: api, table: 'audit_checkpoints', privilege: 'SELECT' },
      { role: api, table: 'audit_records', privilege: 'INSERT' },
      { role: api, table: 'audit_records', privilege: 'SELECT' },
    ]);
  });

  it('reporting writes its read models and its bookkeeping, and cannot read the log', async () => {
    const episodeId = newStreamId('roles-summary');
    await pools.reporting.begin(async (tx) => {
      await tx`INSERT INTO processed_events (consumer, event_id) VALUES (${episodeId}, gen_random_uuid())`;
      // Privileges are checked when a statement is planned: writing no rows still needs them.
      await tx`INSERT INTO episode_summaries SELECT * FROM episode_summaries WHERE false`;
      await tx`UPDATE episode_worklists SET open = open WHERE false`;
      await tx`DELETE FROM episode_summaries WHERE episode_id = ${episodeId}`;
      await tx`INSERT INTO episode_outcomes SELECT * FROM episode_outcomes WHERE false`;
      await tx`DELETE FROM episode_operations WHERE false`;
      await tx`DELETE FROM reporting_folded_events WHERE false`;
      await tx`SELECT count(*) FROM department_operations`;
    });
    await db.admin`DELETE FROM processed_events WHERE consumer = ${episodeId}`;
    expect(await outcome(pools.reporting`SELECT count(*) FROM events`)).toBe(refused);
    expect(await outcome(pools.reporting`DELETE FROM outbox WHERE global_position = -1`)).toBe(refused);
    expect(await outcome(pools.reporting`INSERT INTO projection_checkpoints (name) VALUES ('none')`)).toBe(refused);
  });

  it('billing keeps its read model and reads the subscriber only through claim_subscriber, never the log', async () => {
    const episodeId = newStreamId('roles-billing');
    await pools.billing.begin(async (tx) => {
      await tx`INSERT INTO billing_year_to_date (patient_key, payer_id, year) VALUES (${episodeId}, 'payer', 2025)`;
      await tx`UPDATE billing_charges SET version = version WHERE false`;
      await tx`DELETE FROM billing_outbox WHERE false`;
      await tx`INSERT INTO processed_events (consumer, event_id) VALUES (${episodeId}, gen_random_uuid())`;
      await tx`INSERT INTO consumer_stream_marks (consumer, stream_id, stream_version, version_before) VALUES (${episodeId}, ${episodeId}, 1, 0)`;
      await tx`UPDATE consumer_stream_marks SET stream_version = 2, version_before = 1 WHERE consumer = ${episodeId}`;
      await tx`SELECT count(*) FROM payers`;
      await tx`SELECT count(*) FROM therapists`;
      await tx`SELECT * FROM claim_subscriber(${episodeId})`;
    });
    await db.admin`DELETE FROM billing_year_to_date WHERE patient_key = ${episodeId}`;
    await db.admin`DELETE FROM processed_events WHERE consumer = ${episodeId}`;
    await db.admin`DELETE FROM consumer_stream_marks WHERE consumer = ${episodeId}`;
    expect(await outcome(pools.billing`SELECT count(*) FROM events`)).toBe(refused);
    // The marks only move: a consumer never deletes the record of what it applied.
    expect(await outcome(pools.billing`DELETE FROM consumer_stream_marks WHERE false`)).toBe(refused);
    expect(await outcome(pools.billing`SELECT count(*) FROM episode_summaries`)).toBe(refused);
    expect(await outcome(pools.billing`UPDATE payers SET settings = settings WHERE false`)).toBe(refused);
  });

  it('the api reads billing, keeps payer settings and may not write charges; no other app may read the subscriber', async () => {
    expect(await outcome(pools.api`SELECT count(*) FROM billing_charges`)).toBe('ok');
    expect(await outcome(pools.api`UPDATE payers SET settings = settings WHERE false`)).toBe('ok');
    expect(await outcome(pools.api`SELECT * FROM claim_subscriber('none')`)).toBe('ok');
    expect(await outcome(pools.api`DELETE FROM billing_charges WHERE false`)).toBe(refused);
    expect(await outcome(pools.api`SELECT count(*) FROM billing_outbox`)).toBe(refused);
    for (const app of ['worker', 'relay', 'reporting'] as const) {
      expect([app, await outcome(pools[app]`SELECT * FROM claim_subscriber('none')`)]).toEqual([app, refused]);
    }
  });

  it('the api registers episodes (never changes a registered one), keeps department settings and idempotency answers; the other apps only read departments (reporting)', async () => {
    expect(await outcome(pools.api`SELECT count(*) FROM episodes`)).toBe('ok');
    expect(await outcome(pools.api`UPDATE episodes SET referral_id = referral_id WHERE false`)).toBe(refused);
    expect(await outcome(pools.api`DELETE FROM episodes WHERE false`)).toBe(refused);
    expect(await outcome(pools.api`UPDATE departments SET settings = settings WHERE false`)).toBe('ok');
    expect(await outcome(pools.api`DELETE FROM idempotency_keys WHERE false`)).toBe('ok');
    expect(await outcome(pools.api`UPDATE therapists SET profile = profile WHERE false`)).toBe('ok');
    expect(await outcome(pools.reporting`SELECT count(*) FROM departments`)).toBe('ok');
    for (const app of databaseApps.filter((name) => name !== 'api')) {
      expect([app, await outcome(pools[app]`SELECT count(*) FROM episodes`)]).toEqual([app, refused]);
      expect([app, await outcome(pools[app]`SELECT count(*) FROM idempotency_keys`)]).toEqual([app, refused]);
    }
  });

  it('no app may update, delete or truncate events', async () => {
    const { streamId } = await appendedByWorker();
    for (const app of databaseApps) {
      const sql = pools[app];
      expect([app, await outcome(sql`UPDATE events SET type = type WHERE stream_id = ${streamId}`)]).toEqual([app, refused]);
      expect([app, await outcome(sql`DELETE FROM events WHERE stream_id = ${streamId}`)]).toEqual([app, refused]);
      expect([app, await outcome(sql`TRUNCATE events`)]).toEqual([app, refused]);
    }
    const privileges = await db.admin<{ granted: boolean }[]>`
      SELECT has_table_privilege(r.rolname, 'events', p.privilege) AS granted
      FROM pg_roles r CROSS JOIN unnest(ARRAY['UPDATE', 'DELETE', 'TRUNCATE']) AS p(privilege)
      WHERE r.rolname IN ${db.admin(databaseApps.map((app) => applicationRoleOf(appUrl(app))))}`;
    expect(privileges.filter((row) => row.granted)).toEqual([]);
  });
});
