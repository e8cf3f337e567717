/**
 * `migrate-cli`: brings the database to the newest schema and re-applies the application role's
 * grants. Connects with MIGRATION_DATABASE_URL (the schema owner); the role to grant is the user of
 * DATABASE_URL. Used by `npm start`, docker-compose and deployments before the apps start.
 */
import { z } from 'zod';
import { ConfigError, loadConfig } from '@careflow/config';
import { createDatabaseClient } from './database';
import { migrate } from './migrations/runner';

const main = async (): Promise<void> => {
  const config = loadConfig({
    DATABASE_URL: z.string().url(),
    MIGRATION_DATABASE_URL: z.string().url(),
  });
  const applicationRole = decodeURIComponent(new URL(config.DATABASE_URL).username);
  if (!applicationRole) throw new ConfigError('invalid configuration: DATABASE_URL names no user (the application role)');
  const sql = createDatabaseClient(config.MIGRATION_DATABASE_URL, { applicationName: 'careflow-migrate', maxConnections: 1 });
  try {
    const { applied } = await migrate(sql, { applicationRole });
    process.stdout.write(
      applied.length === 0 ? 'careflow migrate: schema is current\n' : `careflow migrate: applied ${applied.join(', ')}\n`,
    );
  } finally {
    await sql.end();
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`careflow migrate: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
