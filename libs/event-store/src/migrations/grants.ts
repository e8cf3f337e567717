import type { TransactionSql } from 'postgres';
import { readModelTables, worklistViews } from './0002-read-models';
import { billingTables } from './0006-billing';
import { reportingTables, reportingViews } from './0007-reporting';

/** The apps that connect to the event store's database, each as a role of its own. */
export const databaseApps = ['api', 'worker', 'relay', 'billing', 'reporting', 'notices'] as const;
export type DatabaseApp = (typeof databaseApps)[number];

type Privilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE' | 'EXECUTE';

/** Tables, views and functions (named with their argument types) the migrations create, each with what one app may do to it. */
export type Grants = Readonly<Record<string, readonly Privilege[]>>;

/** Functions are granted EXECUTE; everything else is a table or view. */
const isFunction = (name: string): boolean => name.endsWith(')');

/** The subscriber's member id and demographics for a claim, at the moment it is rendered (docs/billing.md). */
const claimSubscriber = 'claim_subscriber(text)';

const readModels = (privileges: readonly Privilege[]): Grants =>
  Object.fromEntries([
    ...[...new Set([...readModelTables, ...reportingTables])].map((table) => [table, privileges]),
    ...[...new Set([...worklistViews, ...reportingViews])].map((view) => [view, ['SELECT'] as const]),
  ]);

/**
 * What each app needs, and nothing more. No app may UPDATE or DELETE events (the triggers of
 * migration 1 refuse it too); only the relay deletes outbox rows, once they are published. The audit
 * trail is append-only the same way (migration 5's triggers): the api writes and reads it, nobody
 * updates or deletes it; the retention purge runs as the schema owner.
 */
export const appGrants: Readonly<Record<DatabaseApp, Grants>> = {
  // Appends events with their outbox rows; routing reads the directory, caseloads and the log.
  worker: {
    events: ['SELECT', 'INSERT'],
    outbox: ['INSERT'],
    therapists: ['SELECT'],
    episode_summaries: ['SELECT'],
    therapist_caseloads: ['SELECT'],
  },
  // Reads the outbox with its events (key and headers come from the event) and deletes what it published.
  relay: { outbox: ['SELECT', 'DELETE'], events: ['SELECT'] },
  api: {
    ...readModels(['SELECT']),
    audit_records: ['SELECT', 'INSERT'],
    audit_checkpoints: ['SELECT'],
    // Episode reads fold the stream: asOf, closed episodes, the timeline, the audit packet, the FHIR Bundle (docs/api-reads.md, docs/fhir.md).
    events: ['SELECT'],
    // The admin routes keep payer and department settings and therapist profiles; billing's read model is read only.
    payers: ['SELECT', 'INSERT', 'UPDATE'],
    departments: ['SELECT', 'INSERT', 'UPDATE'],
    therapists: ['SELECT', 'INSERT', 'UPDATE'],
    // The registry of episodes by referral (rows are never changed) and the answers kept for Idempotency-Key.
    episodes: ['SELECT', 'INSERT'],
    idempotency_keys: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
    billing_charges: ['SELECT'],
    billing_claims: ['SELECT'],
    billing_year_to_date: ['SELECT'],
    [claimSubscriber]: ['EXECUTE'],
  },
  // Keeps the read models from Kafka, with its own bookkeeping of what it already consumed; reads the
  // departments' MCID settings. No events: its rebuild reads the store through a connection of its own
  // (docs/reporting.md, "Rebuild").
  reporting: {
    ...readModels(['SELECT', 'INSERT', 'UPDATE', 'DELETE']),
    reporting_folded_events: ['SELECT', 'INSERT', 'DELETE'],
    processed_events: ['SELECT', 'INSERT', 'DELETE'],
    departments: ['SELECT'],
  },
  // Keeps its read model and outbox from the events it consumes; reads payers and provider types; never the log.
  billing: {
    ...Object.fromEntries(
      billingTables.filter((table) => table !== 'payers').map((table) => [table, ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] as const]),
    ),
    payers: ['SELECT'],
    therapists: ['SELECT'],
    processed_events: ['SELECT', 'INSERT', 'DELETE'],
    consumer_stream_marks: ['SELECT', 'INSERT', 'UPDATE'],
    [claimSubscriber]: ['EXECUTE'],
  },
  // Its notices and their deliveries; the PHI a notice carries only through migration 8's narrow read, never the log.
  notices: {
    referrer_notices: ['SELECT', 'INSERT', 'UPDATE'],
    referrer_notice_dead_letters: ['SELECT', 'INSERT', 'UPDATE'],
    processed_events: ['SELECT', 'INSERT'],
    'referrer_notice_content(uuid)': ['EXECUTE'],
  },
};

/** The generic projection runner's checkpoints (./projections): no app runs one today; tools and tests may. */
const toolGrants: Grants = { projection_checkpoints: ['SELECT', 'INSERT', 'UPDATE'] };

/** Every app's grants together, and the tools': the role of tests and tools that play every app's part. */
export const wholeStoreGrants: Grants = [...Object.values(appGrants), toolGrants].reduce<Record<string, Privilege[]>>((all, grants) => {
  for (const [table, privileges] of Object.entries(grants)) {
    all[table] = [...new Set([...(all[table] ?? []), ...privileges])];
  }
  return all;
}, {});

/** Every table and view some app is granted something on: a grant to revoke is always one of these. */
const grantedObjects = Object.keys(wholeStoreGrants);

/**
 * Grants `role` exactly `grants`: first everything on the store's tables is revoked, so a privilege
 * dropped from this file is dropped from the database at the next migration run too. Objects a later
 * migration creates are skipped while it has not run (an upgrade that applies the migrations stepwise).
 */
export const grantExactly = async (tx: TransactionSql, schema: string, role: string, grants: Grants): Promise<void> => {
  const rows = await tx<{ name: string }[]>`
    SELECT name FROM jsonb_array_elements_text(${JSON.stringify(grantedObjects)}::text::jsonb) AS o(name)
    WHERE CASE WHEN name LIKE '%)' THEN to_regprocedure(name) IS NOT NULL ELSE to_regclass(name) IS NOT NULL END`;
  const existing = new Set(rows.map((row) => row.name));
  const kindOf = (name: string): string => (isFunction(name) ? 'FUNCTION ' : '');
  const relations = [...existing].filter((name) => !isFunction(name));
  const statements = [
    `GRANT USAGE ON SCHEMA ${schema} TO ${role}`,
    `REVOKE ALL ON ${relations.join(', ')} FROM ${role}`,
    ...[...existing].filter(isFunction).map((name) => `REVOKE ALL ON FUNCTION ${name} FROM ${role}`),
    ...Object.entries(grants)
      .filter(([name]) => existing.has(name))
      .map(([name, privileges]) => `GRANT ${privileges.join(', ')} ON ${kindOf(name)}${name} TO ${role}`),
  ];
  await tx.unsafe(statements.map((statement) => `${statement};`).join('\n'));
};
