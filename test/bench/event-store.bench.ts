/**
 * `npm run bench -- event-store`: the event store against the floor (a raw prepared INSERT of the same
 * row through Postgres.js) and against Emmett's PostgreSQL event store, on the same PostgreSQL, in
 * slots that alternate the contenders so load from elsewhere on this shared machine hits all alike.
 * Everything lives in its own database (careflow_bench) so the tests' tables stay small; the
 * 10-million-event table is generated once and kept there for later runs.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import pg from 'pg';
import postgres, { type Sql } from 'postgres';
import {
  applicationRoleOf,
  closeDatabaseClient,
  createDatabaseClient,
  createEventStore,
  migrate,
  startOfLog,
  logPositionOf,
  type EventStore,
  type NewEvent,
} from '@careflow/event-store';
import { requireEnv } from '../support/env';
import { percentile, round, type BenchContext, type BenchRow } from './bench';

const benchDatabase = 'careflow_bench';
const schemas = { store: 'store_bench', raw: 'raw_bench', emmett: 'emmett_bench', empty: 'store_empty', big: 'store_10m' };
const bigTableEvents = 10_000_000;
// Many short slots in every order of the contenders (6 for three): drift from other load on this
// machine, and whatever one contender leaves behind, fall on every contender alike.
const rounds = 12;
const slotMs = 1000;
const warmupMs = 700;
const batchSize = 10;
const catchUpEvents = 60_000;
const latencyRounds = 20;
const latencyBlock = 300;

const withDatabase = (url: string, database: string): string => {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
};

// A session as the worker appends it: a few hundred bytes of data and metadata.
const sessionData = {
  sessionId: 'session-1',
  visitNumber: 3,
  newTreatmentDay: true,
  treatmentDaysInPeriod: 3,
  certificationStanding: 'certified',
  session: {
    date: '2025-03-05',
    therapist: { therapistId: 'therapist-1', licenseExpiresOn: '2026-01-31' },
    lines: [{ code: '97124', minutes: 30, bodyRegion: 'lumbar' }],
    techniques: ['swedish', 'myofascial-release'],
    pressure: [{ bodyRegion: 'lumbar', pressure: 'moderate' }],
    painBefore: 6,
    painAfter: 4,
    adverseEvents: [],
    selfPay: false,
  },
};

const newEvent = (): NewEvent => ({
  eventId: randomUUID(),
  type: 'SessionRecorded',
  data: sessionData,
  metadata: { actor: 'user-bench', correlationId: randomUUID(), occurredAt: '2025-03-05T10:00:00.000Z' },
});

/** Appends one batch to `stream` after `version`; each contender has its own. */
type Append = (stream: string, version: number, events: readonly NewEvent[]) => Promise<void>;

interface Contender {
  readonly name: string;
  readonly append: Append;
  close(): Promise<void>;
}

interface Sample {
  operations: number;
  events: number;
  elapsedMs: number;
  latenciesMs: number[];
}

const emptySample = (): Sample => ({ operations: 0, events: 0, elapsedMs: 0, latenciesMs: [] });

/** `clients` loops, each appending `perAppend` events at a time to a stream of its own, for `durationMs`. */
const drive = async (append: Append, clients: number, perAppend: number, durationMs: number, into: Sample): Promise<void> => {
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      const stream = `bench-${randomUUID()}`;
      let version = 0;
      while (performance.now() < deadline) {
        const events = Array.from({ length: perAppend }, newEvent);
        const before = performance.now();
        await append(stream, version, events);
        into.latenciesMs.push(performance.now() - before);
        version += perAppend;
        into.operations += 1;
        into.events += perAppend;
      }
    }),
  );
  into.elapsedMs += performance.now() - started;
};

/**
 * Starts a measurement right after a checkpoint, so that no timed checkpoint (every 5 minutes by
 * default) lands inside it and floods one contender's slot with full-page writes. Needs a superuser
 * or pg_checkpoint; without, the measurement runs anyway.
 */
const checkpoint = async (admin: Sql, log: BenchContext['log']): Promise<void> => {
  try {
    await admin`CHECKPOINT`;
  } catch (error) {
    log(`no CHECKPOINT before measuring (${error instanceof Error ? error.message : String(error)})`);
  }
};

/** Every order of the contenders: cycled through, each follows each other one equally often. */
const permutations = <T>(items: readonly T[]): T[][] =>
  items.length <= 1
    ? [[...items]]
    : items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]));

/** Runs the contenders in alternating slots; each one's figures summed over all its slots. */
const race = async (
  log: BenchContext['log'],
  label: string,
  contenders: readonly Contender[],
  clients: number,
  perAppend: number,
): Promise<Map<string, Sample>> => {
  const samples = new Map(contenders.map((contender) => [contender.name, emptySample()]));
  for (const contender of contenders) await drive(contender.append, clients, perAppend, warmupMs, emptySample());
  const orders = permutations(contenders);
  for (let slot = 0; slot < rounds; slot += 1) {
    for (const contender of orders[slot % orders.length] ?? contenders) {
      // Each slot starts with a collected heap, so no contender pays for garbage another one left.
      global.gc?.();
      await drive(contender.append, clients, perAppend, slotMs, samples.get(contender.name) ?? emptySample());
    }
  }
  for (const [name, sample] of samples) {
    log(
      `${label} ${name}: ${round((sample.events / sample.elapsedMs) * 1000, 0)} events/s, ` +
        `p50 ${round(percentile(sample.latenciesMs, 50), 3)} ms, p99 ${round(percentile(sample.latenciesMs, 99), 3)} ms`,
    );
  }
  return samples;
};

const perSecond = (sample: Sample | undefined): number => (sample ? round((sample.events / sample.elapsedMs) * 1000, 0) : 0);

const throughputRow = (metric: string, ours: Sample | undefined, peerName: string, peer: Sample | undefined, target: string): BenchRow => {
  const oursRate = perSecond(ours);
  const peerRate = perSecond(peer);
  return { metric, ours: oursRate, peer: peerRate, peerName, ratio: peerRate > 0 ? round(oursRate / peerRate) : null, target };
};

const latencyRow = (metric: string, ours: number, peerName: string | null, peer: number | null, target: string | null): BenchRow => ({
  metric,
  ours: round(ours, 3),
  peer: peer === null ? null : round(peer, 3),
  peerName,
  ratio: peer === null ? null : round(peer / ours),
  target,
});

const ourContender = (url: string, schema: string, clients: number, name = 'careflow'): Contender & { store: EventStore; sql: Sql } => {
  const sql = createDatabaseClient(url, { applicationName: `bench-${name}`, searchPath: schema, maxConnections: clients });
  const store = createEventStore({ sql, outboxTopic: 'careflow.episode-events.v1' });
  return {
    name,
    store,
    sql,
    append: async (stream, version, events) => {
      await store.appendToStream(stream, version, events);
    },
    close: () => closeDatabaseClient(sql),
  };
};

const zeroHash = Buffer.alloc(32);

/** The floor: the same row(s) into a table shaped like ours, one prepared INSERT, nothing else. */
const rawContender = (url: string, clients: number): Contender => {
  const sql = createDatabaseClient(url, { applicationName: 'bench-raw', searchPath: schemas.raw, maxConnections: clients });
  return {
    name: 'raw INSERT',
    append: async (stream, version, events) => {
      const recordedAt = new Date().toISOString();
      if (events.length === 1) {
        const [event] = events as [NewEvent];
        await sql`
          INSERT INTO raw_events (stream_id, stream_version, event_id, type, schema_version, data, metadata, previous_hash, hash)
          VALUES (${stream}, ${version + 1}::integer, ${event.eventId}::uuid, ${event.type}, 1,
                  ${JSON.stringify(event.data)}::text::jsonb, ${JSON.stringify({ ...event.metadata, recordedAt })}::text::jsonb,
                  ${zeroHash}, ${zeroHash})`;
        return;
      }
      const rows = events.map((event, index) => ({
        stream_id: stream,
        stream_version: version + index + 1,
        event_id: event.eventId,
        type: event.type,
        schema_version: 1,
        data: event.data,
        metadata: { ...event.metadata, recordedAt },
        previous_hash: zeroHash,
        hash: zeroHash,
      }));
      await sql`INSERT INTO raw_events ${sql(rows)}`;
    },
    close: () => closeDatabaseClient(sql),
  };
};

const emmettContender = (url: string, clients: number): Contender => {
  const pool = new pg.Pool({ connectionString: url, max: clients, options: `-c search_path=${schemas.emmett}` });
  const store = getPostgreSQLEventStore(url, { connectionOptions: { pool }, schema: { autoMigration: 'CreateOrUpdate' } });
  return {
    name: 'Emmett',
    append: async (stream, version, events) => {
      await store.appendToStream(
        stream,
        events.map((event) => ({ type: event.type, data: event.data, metadata: event.metadata })),
        { expectedStreamVersion: BigInt(version) },
      );
    },
    close: async () => {
      await store.close();
      await pool.end();
    },
  };
};

const prepareDatabase = async (log: BenchContext['log'], rootUrl: string, benchUrl: string, appRole: string): Promise<void> => {
  const root = postgres(rootUrl, { max: 1, onnotice: () => undefined });
  const [exists] = await root`SELECT 1 FROM pg_database WHERE datname = ${benchDatabase}`;
  if (!exists) await root.unsafe(`CREATE DATABASE ${benchDatabase}`);
  await root.end({ timeout: 5 });

  const admin = postgres(benchUrl, { max: 1, onnotice: () => undefined });
  for (const schema of [schemas.store, schemas.raw, schemas.emmett, schemas.empty]) {
    await admin.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
  }
  await migrateSchema(benchUrl, schemas.store, appRole);
  await migrateSchema(benchUrl, schemas.empty, appRole);
  await admin.unsafe(`CREATE TABLE ${schemas.raw}.raw_events (LIKE ${schemas.store}.events INCLUDING ALL)`);

  const [big] = await admin<{ ready: boolean }[]>`
    SELECT to_regclass(${`${schemas.big}.bench_generated`}) IS NOT NULL AS ready`;
  if (big?.ready) await migrateSchema(benchUrl, schemas.big, appRole);
  else await generateBigTable(log, admin, benchUrl, appRole);
  await admin.end({ timeout: 5 });
};

const migrateSchema = async (benchUrl: string, schema: string, appRole: string): Promise<void> => {
  const sql = createDatabaseClient(benchUrl, { applicationName: 'bench-migrate', searchPath: schema, maxConnections: 1 });
  await migrate(sql, { applicationRole: appRole });
  await closeDatabaseClient(sql);
};

/** The store's schema with 10 million events (1 million streams of 10), loaded without indexes, indexed after. */
const generateBigTable = async (log: BenchContext['log'], admin: Sql, benchUrl: string, appRole: string): Promise<void> => {
  const started = performance.now();
  log(`generating ${bigTableEvents} events in ${benchDatabase}.${schemas.big} (once; kept for later runs)`);
  await admin.unsafe(`DROP SCHEMA IF EXISTS ${schemas.big} CASCADE; CREATE SCHEMA ${schemas.big}`);
  await migrateSchema(benchUrl, schemas.big, appRole);
  const data = JSON.stringify(sessionData).replace(/'/g, "''");
  await admin.unsafe(`
    SET search_path = ${schemas.big};
    SET maintenance_work_mem = '512MB';
    ALTER TABLE events DROP CONSTRAINT events_pkey, DROP CONSTRAINT events_stream_version_key,
                       DROP CONSTRAINT events_event_id_key;
    DROP INDEX events_log_order_idx;
    INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, metadata, previous_hash, hash)
    SELECT 'bulk-' || (i / 10), i % 10 + 1, gen_random_uuid(), 'SessionRecorded', 1, '${data}'::jsonb,
           '{"actor":"user-bench","correlationId":"c","occurredAt":"2025-03-05T10:00:00Z","recordedAt":"2025-03-05T10:00:00Z"}'::jsonb,
           '\\x0000000000000000000000000000000000000000000000000000000000000000', sha256(int8send(i))
    FROM generate_series(0, ${bigTableEvents - 1}) AS i;
    ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (global_position),
                       ADD CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version),
                       ADD CONSTRAINT events_event_id_key UNIQUE (event_id);
    CREATE INDEX events_log_order_idx ON events (tx_id, global_position);
  `);
  await admin.unsafe(`VACUUM (ANALYZE) ${schemas.big}.events`);
  await admin.unsafe(`CREATE TABLE ${schemas.big}.bench_generated AS SELECT now() AS at`);
  log(`generated in ${round((performance.now() - started) / 1000, 1)} s`);
};

/** Reads `catchUpEvents` events from the start in pages of 1000, both ways, alternating. */
const catchUp = async (log: BenchContext['log'], url: string): Promise<BenchRow> => {
  const ours = ourContender(url, schemas.store, 1, 'careflow-read');
  const plain = createDatabaseClient(url, { applicationName: 'bench-plain-read', searchPath: schemas.store, maxConnections: 1 });
  const timing = { ours: 0, plain: 0, oursEvents: 0, plainEvents: 0 };
  const readOurs = async (): Promise<void> => {
    let position = startOfLog;
    let read = 0;
    const started = performance.now();
    while (read < catchUpEvents) {
      const page = await ours.store.readAll(position, 1000);
      const last = page[page.length - 1];
      if (!last) break;
      position = logPositionOf(last);
      read += page.length;
    }
    timing.ours += performance.now() - started;
    timing.oursEvents += read;
  };
  const readPlain = async (): Promise<void> => {
    let position = 0;
    let read = 0;
    const started = performance.now();
    while (read < catchUpEvents) {
      const page = await plain<{ global_position: string }[]>`
        SELECT global_position, tx_id, stream_id, stream_version, event_id, type, schema_version, data, metadata
        FROM events WHERE global_position > ${position}::bigint ORDER BY global_position LIMIT 1000`;
      const last = page[page.length - 1];
      if (!last) break;
      position = Number(last.global_position);
      read += page.length;
    }
    timing.plain += performance.now() - started;
    timing.plainEvents += read;
  };
  await readOurs();
  await readPlain();
  Object.assign(timing, { ours: 0, plain: 0, oursEvents: 0, plainEvents: 0 });
  for (let slot = 0; slot < rounds; slot += 1) {
    if (slot % 2 === 0) {
      await readOurs();
      await readPlain();
    } else {
      await readPlain();
      await readOurs();
    }
  }
  await ours.close();
  await closeDatabaseClient(plain);
  const oursRate = round((timing.oursEvents / timing.ours) * 1000, 0);
  const plainRate = round((timing.plainEvents / timing.plain) * 1000, 0);
  log(`catch-up: ours ${oursRate} events/s, plain ${plainRate} events/s over ${timing.oursEvents / rounds} events per pass`);
  return {
    metric: 'catch-up read, pages of 1000 (events/s)',
    ours: oursRate,
    peer: plainRate,
    peerName: 'plain WHERE global_position > $1 ORDER BY global_position LIMIT n',
    ratio: round(oursRate / plainRate),
    target: '>= 0.7',
  };
};

/**
 * A time-ordered (UUIDv7 layout) event id: 48 bits of milliseconds, then random bits. Such ids land
 * at the right edge of the event-id index instead of on a random page of it.
 */
const timeOrderedEventId = (): string => {
  const hex = Date.now().toString(16).padStart(12, '0') + randomUUID().replace(/-/g, '').slice(12);
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

/**
 * One client appending single events, alternating blocks between the empty and the 10M-event table.
 * Random (v4) event ids touch a random page of the big event-id index per append (a full-page image
 * in the WAL after each checkpoint); time-ordered ids, which the workflow makes, do not.
 */
const bigTableLatency = async (log: BenchContext['log'], url: string, idKind: 'random' | 'time-ordered'): Promise<BenchRow[]> => {
  const empty = ourContender(url, schemas.empty, 1, 'empty');
  const big = ourContender(url, schemas.big, 1, '10M');
  const latencies = { empty: [] as number[], big: [] as number[] };
  const event = (): NewEvent => (idKind === 'random' ? newEvent() : { ...newEvent(), eventId: timeOrderedEventId() });
  const block = async (contender: Contender, into: number[] | null): Promise<void> => {
    const stream = `bench-${randomUUID()}`;
    for (let version = 0; version < latencyBlock; version += 1) {
      const before = performance.now();
      await contender.append(stream, version, [event()]);
      into?.push(performance.now() - before);
    }
  };
  await block(empty, null);
  await block(big, null);
  for (let slot = 0; slot < latencyRounds; slot += 1) {
    const pair: [Contender, number[]][] = [
      [empty, latencies.empty],
      [big, latencies.big],
    ];
    for (const [contender, into] of slot % 2 === 0 ? pair : pair.reverse()) await block(contender, into);
  }
  await empty.close();
  await big.close();
  const p = (samples: number[], q: number) => percentile(samples, q);
  log(
    `10M table, ${idKind} event ids: p50 ${round(p(latencies.big, 50), 3)} ms vs empty ${round(p(latencies.empty, 50), 3)} ms; ` +
      `p99 ${round(p(latencies.big, 99), 3)} ms vs ${round(p(latencies.empty, 99), 3)} ms`,
  );
  const target = '>= 0.83 (10M <= 1.2x empty)';
  return [
    latencyRow(
      `append p50 latency with 10M events in the table, ${idKind} event ids (ms)`,
      p(latencies.big, 50),
      'same store, empty table',
      p(latencies.empty, 50),
      target,
    ),
    latencyRow(
      `append p99 latency with 10M events in the table, ${idKind} event ids (ms)`,
      p(latencies.big, 99),
      'same store, empty table',
      p(latencies.empty, 99),
      target,
    ),
  ];
};

export default async function eventStoreBench({ log }: BenchContext): Promise<BenchRow[]> {
  const rootUrl = requireEnv('MIGRATION_DATABASE_URL');
  const benchUrl = withDatabase(rootUrl, benchDatabase);
  const appRole = applicationRoleOf(requireEnv('DATABASE_URL'));
  await prepareDatabase(log, rootUrl, benchUrl, appRole);

  const admin = postgres(benchUrl, { max: 1, onnotice: () => undefined });
  try {
    const rows: BenchRow[] = [];
    for (const clients of [1, 16]) {
      const contenders = [
        ourContender(benchUrl, schemas.store, clients),
        rawContender(benchUrl, clients),
        emmettContender(benchUrl, clients),
      ];
      await checkpoint(admin, log);
      const samples = await race(log, `single-event append, ${clients} client(s)`, contenders, clients, 1);
      for (const contender of contenders) await contender.close();
      const ours = samples.get('careflow');
      rows.push(
        throughputRow(
          `append 1 event with expected version, ${clients} client(s) (events/s)`,
          ours,
          'raw prepared INSERT',
          samples.get('raw INSERT'),
          clients === 1 ? '>= 0.8' : '>= 0.6',
        ),
        throughputRow(
          `append 1 event with expected version, ${clients} client(s) (events/s)`,
          ours,
          'Emmett appendToStream',
          samples.get('Emmett'),
          '>= 1.2',
        ),
        latencyRow(
          `append p50 latency, ${clients} client(s) (ms)`,
          percentile(ours?.latenciesMs ?? [], 50),
          'raw prepared INSERT',
          percentile(samples.get('raw INSERT')?.latenciesMs ?? [], 50),
          null,
        ),
        latencyRow(
          `append p99 latency, ${clients} client(s) (ms)`,
          percentile(ours?.latenciesMs ?? [], 99),
          'raw prepared INSERT',
          percentile(samples.get('raw INSERT')?.latenciesMs ?? [], 99),
          null,
        ),
      );
    }

    const batchContenders = [ourContender(benchUrl, schemas.store, 16), rawContender(benchUrl, 16)];
    await checkpoint(admin, log);
    const batches = await race(log, `batches of ${batchSize}, 16 clients`, batchContenders, 16, batchSize);
    for (const contender of batchContenders) await contender.close();
    rows.push(
      throughputRow(
        `append batches of ${batchSize} events, 16 clients (events/s)`,
        batches.get('careflow'),
        'raw multi-row INSERT',
        batches.get('raw INSERT'),
        '>= 0.6',
      ),
    );

    rows.push(await catchUp(log, benchUrl));
    for (const idKind of ['random', 'time-ordered'] as const) {
      await checkpoint(admin, log);
      rows.push(...(await bigTableLatency(log, benchUrl, idKind)));
    }
    return rows;
  } finally {
    await admin.end({ timeout: 5 });
  }
}
