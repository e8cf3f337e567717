/**
 * `npm run dlq -- replay [--consumer <name>] [--dry-run]`: sends the dead-lettered messages not yet
 * replayed back to their original topic and prints how many (docs/consumers.md), with KAFKA_BROKERS.
 */
import { parseArgs } from 'node:util';
import { ConfigError, createLogger, kafkaEnv, loadConfig, routeProcessWarnings, safeError } from '@careflow/config';
import { createKafka } from './kafka';
import { replayDeadLetters } from './dead-letter';

const usage = 'usage: npm run dlq -- replay [--consumer <name>] [--dry-run]';

const main = async (): Promise<void> => {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { consumer: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
  });
  if (positionals.length !== 1 || positionals[0] !== 'replay') throw new Error(usage);
  const config = loadConfig(kafkaEnv);
  const logger = createLogger('dlq', 'warn');
  routeProcessWarnings(logger);
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-dlq`, logger, quiet: true });
  const dryRun = values['dry-run'];
  const { replayed, skipped } = await replayDeadLetters({
    kafka,
    logger,
    dryRun,
    ...(values.consumer !== undefined && { consumer: values.consumer }),
  });
  const whose = values.consumer === undefined ? '' : ` of consumer ${values.consumer}`;
  process.stdout.write(
    dryRun
      ? `careflow dlq: ${replayed} dead-lettered messages${whose} would be replayed (dry run; nothing sent), ${skipped} skipped\n`
      : `careflow dlq: ${replayed} dead-lettered messages${whose} replayed, ${skipped} skipped\n`,
  );
};

main().catch((error: unknown) => {
  // A usage or configuration error names the problem; any other error by name and code only.
  const code = (error as { code?: unknown }).code;
  const known =
    error instanceof Error &&
    (error.message === usage || error instanceof ConfigError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')));
  process.stderr.write(`careflow dlq: ${known ? error.message : JSON.stringify(safeError(error))}\n`);
  process.exit(1);
});
