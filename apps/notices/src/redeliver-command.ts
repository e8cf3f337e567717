/**
 * `redeliver`: puts dead-lettered notices back in line once the receiver (or whatever refused them)
 * is fixed (docs/notices.md). `--all`, or the notice ids (the Communication identifiers, as the logs
 * and the dead-letter records name them). Connects as the notices role, like the app.
 */
import { appDatabaseEnv, ConfigError, loadConfig, runMain } from '@careflow/config';
import { closeDatabaseClient, createDatabaseClient } from '@careflow/event-store';
import { redeliverDeadLettered } from './notices';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const usage = 'usage: redeliver --all | redeliver <notice id>...';

/** The notices to requeue: undefined for all of them. */
export const redeliveryTargets = (args: readonly string[]): readonly string[] | undefined => {
  if (args.length === 1 && args[0] === '--all') return undefined;
  if (args.length === 0 || !args.every((arg) => uuidPattern.test(arg))) throw new ConfigError(usage);
  return args;
};

export const runRedeliverCommand = (args: readonly string[]): void => {
  runMain('notices-redeliver', async () => {
    const targets = redeliveryTargets(args);
    const config = loadConfig(appDatabaseEnv('notices'));
    const sql = createDatabaseClient(config.NOTICES_DATABASE_URL, { applicationName: 'careflow-notices-redeliver', maxConnections: 1 });
    try {
      const requeued = await redeliverDeadLettered(sql, targets);
      process.stdout.write(`careflow notices: ${requeued.length} dead-lettered notice(s) requeued for delivery\n`);
    } finally {
      await closeDatabaseClient(sql);
    }
  });
};
