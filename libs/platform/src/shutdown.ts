import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from '@careflow/config';

/**
 * SIGTERM or SIGINT closes the app (Nest runs every shutdown hook: the worker drains, connections
 * close) and then exits 0, so supervisors see a clean stop rather than death by signal. Installed
 * before the app starts, so a signal during start-up waits for it and then stops it. A second
 * signal while closing exits at once.
 */
export const closeOnSignals = (starting: Promise<INestApplicationContext>, logger: Logger): void => {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (closing) {
      logger.warn({ signal }, 'second signal while stopping; exiting now');
      process.exit(1);
    }
    closing = true;
    logger.info({ signal }, 'stopping');
    starting
      .then((app) => app.close())
      .then(
        () => {
          logger.info('stopped');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'failed to stop cleanly');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
};
