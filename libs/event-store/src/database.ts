import postgres, { type Sql, type TransactionSql } from 'postgres';
import { EventStoreUnavailableError } from './errors';

export interface DatabaseClientOptions {
  /** Shown in pg_stat_activity; name the process, never a patient. */
  readonly applicationName: string;
  /** Pool size; PostgreSQL's own max_connections is shared by every process. */
  readonly maxConnections?: number;
  /** Schema for unqualified names (a benchmark's private copy); the role's default when omitted. */
  readonly searchPath?: string;
}

// Pools made by createDatabaseClient, and how to replace each one's Postgres.js instance.
const renewals = new WeakMap<object, () => void>();
const secondsToDrainARenewedPool = 5;

/**
 * A Postgres.js pool set up the way the store expects: prepared statements, no notices in the logs,
 * int8 and xid8 as text (the store converts positions itself and keeps transaction ids exact), and
 * no array parsing: Postgres.js fetches array types per connection and skips that after some
 * reconnects, so the store never relies on it (arrays travel as JSON).
 *
 * The pool is renewable (see renewDatabaseClient): Postgres.js 3.4 can leave a connection whose
 * backend died unable to send anything again, so after a lost connection the store swaps in a
 * fresh Postgres.js instance and drains the old one. The returned Sql forwards to the current one.
 */
export const createDatabaseClient = (url: string, options: DatabaseClientOptions): Sql => {
  const open = (): Sql =>
    postgres(url, {
      max: options.maxConnections ?? 10,
      prepare: true,
      fetch_types: false,
      onnotice: () => undefined,
      connection: {
        application_name: options.applicationName,
        ...(options.searchPath === undefined ? {} : { search_path: options.searchPath }),
      },
    });
  let current = open();
  // The target only makes the proxy callable (a tagged template call); every use goes to `current`.
  const callable = (() => undefined) as unknown as Sql;
  const forwarding = new Proxy(callable, {
    apply: (_target, _this, args: unknown[]) => Reflect.apply(current as unknown as () => unknown, current, args),
    get: (_target, property) => {
      const value: unknown = Reflect.get(current, property);
      return typeof value === 'function' ? (value as () => unknown).bind(current) : value;
    },
  });
  // Cheap: Postgres.js connects lazily, so a fresh instance costs nothing until it is used.
  renewals.set(forwarding, () => {
    const previous = current;
    current = open();
    previous.end({ timeout: secondsToDrainARenewedPool }).catch(() => undefined);
  });
  return forwarding;
};

/**
 * After a lost connection: replaces the pool's Postgres.js instance and drains the old one, whose
 * queries finish or fail within seconds. No-op for Sql objects not made by createDatabaseClient.
 */
export const renewDatabaseClient = (sql: Sql | TransactionSql): void => {
  renewals.get(sql)?.();
};

/**
 * Ends a pool, waiting at most `timeoutSeconds` for running queries. Always give a timeout: after a
 * backend was terminated, Postgres.js 3.4 can wait for ever for a query it already failed.
 */
export const closeDatabaseClient = async (sql: Sql, timeoutSeconds = 5): Promise<void> => {
  await sql.end({ timeout: timeoutSeconds });
};

// Postgres.js client codes and SQLSTATEs that mean the connection itself is gone.
const connectionLostCodes = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  '57P01', // admin_shutdown (pg_terminate_backend)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
]);

// SQLSTATEs that mean "busy, try again": the statement did not take effect.
const tryAgainCodes = new Set([
  '53300', // too_many_connections
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '25P04', // transaction_timeout
  '57014', // query_canceled (statement timeout)
]);

export const postgresErrorCode = (error: unknown): string | undefined => {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
};

export const constraintName = (error: unknown): string | undefined => {
  if (typeof error !== 'object' || error === null) return undefined;
  const name = (error as { constraint_name?: unknown }).constraint_name;
  return typeof name === 'string' ? name : undefined;
};

export const isConnectionLost = (error: unknown): boolean => {
  const code = postgresErrorCode(error);
  return code !== undefined && (connectionLostCodes.has(code) || code.startsWith('08'));
};

/** True when the failure is the database being unreachable or busy rather than a refused request. */
export const isUnavailable = (error: unknown): boolean => {
  const code = postgresErrorCode(error);
  return isConnectionLost(error) || (code !== undefined && tryAgainCodes.has(code));
};

/**
 * The error a backend leaves behind when it is terminated. Postgres.js 3.4 rejects the killed query
 * itself with CONNECTION_CLOSED and hands this error to the next query on the reconnected connection,
 * without sending that query: seen by a caller, it means "not executed, try again".
 */
export const isDeadBackendError = (error: unknown): boolean => {
  const code = postgresErrorCode(error);
  return code === '57P01' || code === '57P02';
};

const repeatableAttempts = 5;

/**
 * Runs a statement that is safe to repeat, trying again after a lost connection (renewing the pool
 * first) or a busy database, before reporting EventStoreUnavailableError.
 */
export const runRepeatable = async <T>(sql: Sql | TransactionSql, operation: string, statement: () => Promise<T>): Promise<T> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await statement();
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      if (isConnectionLost(error)) renewDatabaseClient(sql);
      if (attempt >= repeatableAttempts) throw new EventStoreUnavailableError(operation, error);
    }
  }
};

/** int8 columns arrive as text; positions stay far below 2^53, and this says so loudly if not. */
export const toSafeInteger = (value: string | number): number => {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new RangeError(`${String(value)} is not a safe integer`);
  return number;
};
