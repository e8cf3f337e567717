/**
 * `migrate-cli`: the migration step, run before the apps start (`npm start`, docker-compose,
 * deployments). Brings the schema to the newest version as its owner (MIGRATION_DATABASE_URL, which
 * must not be a superuser) and grants each app's role, the user of its <APP>_DATABASE_URL, exactly
 * what that app needs. The apps never see the owner's URL.
 */
import { appDatabaseUrlVariable, ConfigError, databaseEnv, loadConfig } from '@careflow/config';
import { closeDatabaseClient, createDatabaseClient } from './database';
import { type DatabaseApp, databaseApps } from './migrations/grants';
import { applicationRoleOf, migrate } from './migrations/runner';

const main = async (): Promise<void> => {
  const config = loadConfig({
    MIGRATION_DATABASE_URL: databaseEnv.DATABASE_URL,
    ...Object.fromEntries(databaseApps.map((app) => [appDatabaseUrlVariable(app), databaseEnv.DATABASE_URL])),
  }) as Record<string, string>;
  const appRoles = Object.fromEntries(
    databaseApps.map((app) => {
      const variable = appDatabaseUrlVariable(app);
      const role = applicationRoleOf(config[variable] ?? '');
      if (!role) throw new ConfigError(`invalid configuration: ${variable} names no user (the ${app}'s role)`);
      return [app, role];
    }),
  ) as Record<DatabaseApp, string>;
  const sql = createDatabaseClient(config['MIGRATION_DATABASE_URL'] ?? '', { applicationName: 'careflow-migrate', maxConnections: 1 });
  try {
    const [owner] = await sql<{ superuser: boolean }[]>`SELECT rolsuper AS superuser FROM pg_roles WHERE rolname = current_user`;
    if (owner?.superuser) {
      throw new ConfigError(
        'invalid configuration: MIGRATION_DATABASE_URL is a superuser; migrations run as the schema owner, which is not one',
      );
    }
    const { applied } = await migrate(sql, { appRoles });
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
