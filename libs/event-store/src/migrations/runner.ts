import { createHash } from 'node:crypto';
import type { Sql, TransactionSql } from 'postgres';
import { eventLogMigration } from './0001-event-log';
import { readModelsMigration } from './0002-read-models';
import { therapistDirectoryMigration } from './0003-therapist-directory';
import { slimOutboxMigration } from './0004-slim-outbox';
import { auditTrailMigration } from './0005-audit-trail';
import { billingMigration } from './0006-billing';
import { reportingMigration } from './0007-reporting';
import { referrerNoticesMigration } from './0008-referrer-notices';
import { apiMigration } from './0009-api';
import { consumerStreamMarksMigration } from './0010-consumer-stream-marks';
import { appGrants, type DatabaseApp, type Grants, grantExactly, wholeStoreGrants } from './grants';
import type { Migration } from './migration';

export const eventStoreMigrations: readonly Migration[] = [
  eventLogMigration,
  readModelsMigration,
  therapistDirectoryMigration,
  slimOutboxMigration,
  auditTrailMigration,
  billingMigration,
  reportingMigration,
  referrerNoticesMigration,
  apiMigration,
  consumerStreamMarksMigration,
];

/** A migration that was applied and has since been edited, or versions out of order: a release mistake. */
export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

export interface MigrateOptions {
  /**
   * The role that plays every app's part (tests and tools): granted all the apps' grants together.
   * Grants are re-applied on every run, so they can never drift from grants.ts; none of them is
   * UPDATE, DELETE or TRUNCATE on events.
   */
  readonly applicationRole?: string;
  /** Each app's own role, granted only what that app needs (grants.ts). */
  readonly appRoles?: Readonly<Partial<Record<DatabaseApp, string>>>;
  readonly migrations?: readonly Migration[];
}

export interface MigrateResult {
  /** Versions applied by this run (empty when the schema was already current). */
  readonly applied: readonly number[];
}

// Every runner, in every process, serialises on this key; the version table lives with the tables.
const lockKey = 'careflow.event-store.migrations';

const checksumOf = (migration: Migration): string => createHash('sha256').update(migration.sql).digest('hex');

const ensureVersionTable = async (tx: TransactionSql): Promise<void> => {
  await tx`SELECT pg_advisory_xact_lock(hashtextextended(${lockKey}, 0))`;
  await tx`
    CREATE TABLE IF NOT EXISTS event_store_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`;
};

const checkOrder = (migrations: readonly Migration[]): void => {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new MigrationError(`migration "${migration.name}" has version ${migration.version}, expected ${index + 1}`);
    }
  });
};

/**
 * Brings the schema to the newest version. Safe to run from several processes at once: each migration
 * runs in its own transaction under a transaction-scoped advisory lock and re-checks what is applied.
 * `sql` must connect as the owner of the schema (the migration role).
 */
export const migrate = async (sql: Sql, options: MigrateOptions): Promise<MigrateResult> => {
  const migrations = options.migrations ?? eventStoreMigrations;
  checkOrder(migrations);
  const applied: number[] = [];

  for (const migration of migrations) {
    const checksum = checksumOf(migration);
    const appliedNow = await sql.begin(async (tx) => {
      await ensureVersionTable(tx);
      const [existing] = await tx<{ checksum: string }[]>`
        SELECT checksum FROM event_store_migrations WHERE version = ${migration.version}`;
      if (existing) {
        if (existing.checksum !== checksum) {
          throw new MigrationError(
            `migration ${migration.version} ("${migration.name}") was edited after it was applied; add a new migration instead`,
          );
        }
        return false;
      }
      await tx.unsafe(migration.sql);
      await tx`
        INSERT INTO event_store_migrations (version, name, checksum)
        VALUES (${migration.version}, ${migration.name}, ${checksum})`;
      return true;
    });
    if (appliedNow) applied.push(migration.version);
  }

  if (options.applicationRole !== undefined) await grantApplicationRole(sql, options.applicationRole);
  for (const [app, role] of Object.entries(options.appRoles ?? {}) as [DatabaseApp, string][]) {
    await grantRole(sql, role, appGrants[app]);
  }
  return { applied };
};

/** The application role of a database URL: its user (the role `migrate` grants to). */
export const applicationRoleOf = (url: string): string => decodeURIComponent(new URL(url).username);

const roleNamePattern = /^[a-z_][a-z0-9_]{0,62}$/;

/** Idempotent: grants the role of tests and tools every app's grants and revokes what it must never have. */
export const grantApplicationRole = (sql: Sql, role: string): Promise<void> => grantRole(sql, role, wholeStoreGrants);

const grantRole = async (sql: Sql, role: string, grants: Grants): Promise<void> => {
  if (!roleNamePattern.test(role)) {
    throw new MigrationError('the application role must be a lower-case PostgreSQL identifier');
  }
  const [found] = await sql<{ exists: boolean }[]>`SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${role})`;
  if (!found?.exists) throw new MigrationError(`the application role ${role} does not exist`);

  // Identifiers cannot be bound as parameters; the pattern above keeps them plain. Concurrent GRANTs
  // on one table fail ("tuple concurrently updated"), so they take the migration lock too.
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(hashtextextended(${lockKey}, 0))`;
    await grantExactly(tx, await currentSchema(tx), role, grants);
  });
};

const currentSchema = async (tx: TransactionSql): Promise<string> => {
  const [row] = await tx<{ schema: string }[]>`SELECT quote_ident(current_schema()) AS schema`;
  if (!row) throw new MigrationError('the connection has no current schema');
  return row.schema;
};
