import type { TransactionSql } from 'postgres';
import { readModelTables, worklistViews } from './0002-read-models';

/** The apps that connect to the event store's database, each as a role of its own. */
export const databaseApps = ['api', 'worker', 'relay', 'billing', 'reporting'] as const;
export type DatabaseApp = (typeof databaseApps)[number];

type Privilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

/** Tables and views the migrations create, each with what one app may do to it. */
export type Grants = Readonly<Record<string, readonly Privilege[]>>;

const readModels = (privileges: readonly Privilege[]): Grants =>
  Object.fromEntries([
    ...readModelTables.map((table) => [table, privileges]),
    ...worklistViews.map((view) => [view, ['SELECT'] as const]),
  ]);

/**
 * What each app needs, and nothing more. No app may UPDATE or DELETE events (the triggers of
 * migration 1 refuse it too); only the relay deletes outbox rows, once they are published.
 */
export const appGrants: Readonly<Record<DatabaseApp, Grants>> = {
  // Appends events with their outbox rows; routing reads the directory, caseloads and the log.
  worker: { events: ['SELECT', 'INSERT'], outbox: ['INSERT'], therapists: ['SELECT'], episode_summaries: ['SELECT'] },
  // Reads the outbox with its events (key and headers come from the event) and deletes what it published.
  relay: { outbox: ['SELECT', 'DELETE'], events: ['SELECT'] },
  api: readModels(['SELECT']),
  // Keeps the read models, with its own bookkeeping of what it already consumed.
  reporting: {
    ...readModels(['SELECT', 'INSERT', 'UPDATE', 'DELETE']),
    projection_checkpoints: ['SELECT', 'INSERT', 'UPDATE'],
    processed_events: ['SELECT', 'INSERT', 'DELETE'],
  },
  // Billing has no tables yet: its role may connect and nothing else.
  billing: {},
};

/** Every app's grants together: the role of tests and tools that play every app's part. */
export const wholeStoreGrants: Grants = Object.values(appGrants).reduce<Record<string, Privilege[]>>((all, grants) => {
  for (const [table, privileges] of Object.entries(grants)) {
    all[table] = [...new Set([...(all[table] ?? []), ...privileges])];
  }
  return all;
}, {});

/** Every table and view some app is granted something on: a grant to revoke is always one of these. */
const grantedObjects = Object.keys(wholeStoreGrants);

/**
 * Grants `role` exactly `grants`: first everything on the store's tables is revoked, so a privilege
 * dropped from this file is dropped from the database at the next migration run too.
 */
export const grantExactly = async (tx: TransactionSql, schema: string, role: string, grants: Grants): Promise<void> => {
  const statements = [
    `GRANT USAGE ON SCHEMA ${schema} TO ${role}`,
    `REVOKE ALL ON ${grantedObjects.join(', ')} FROM ${role}`,
    ...Object.entries(grants).map(([table, privileges]) => `GRANT ${privileges.join(', ')} ON ${table} TO ${role}`),
  ];
  await tx.unsafe(statements.map((statement) => `${statement};`).join('\n'));
};
