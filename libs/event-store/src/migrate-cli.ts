/**
 * `migrate-cli`: brings the database to the newest schema and re-applies the application role's
 * grants. Connects with MIGRATION_DATABASE_URL (the schema owner); the role to grant is the user of
 * DATABASE_URL. Used by `npm start`, docker-compose and deployments before the apps start.
 */
import { ConfigError, databaseEnv, loadConfig } from '@careflow/config';
import { closeDatabaseClient, createDatabaseClient } from './database';
import { applicationRoleOf, migrate } from './migrations/runner';

const main = async (): Promise<void> => {
  const config = loadConfig({
    DATABASE_URL: databaseEnv.DATABASE_URL,
    MIGRATION_DATABASE_URL: databaseEnv.DATABASE_URL,
  });
  const applicationRole = applicationRoleOf(config.DATABASE_URL);
  if (!applicationRole) throw new ConfigError('invalid configuration: DATABASE_URL names no user (the application role)');
  const sql = createDatabaseClient(config.MIGRATION_DATABASE_URL, { applicationName: 'careflow-migrate', maxConnections: 1 });
  try {
    const { applied } = await migrate(sql, { applicationRole });
    process.stdout.write(
      applied.length === 0 ? 'careflow migrate: schema is current\n' : `careflow migrate: applied ${applied.join(', ')}\n`,
    );
  } finally {
    await closeDatabaseClient(sql);
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`careflow migrate: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
