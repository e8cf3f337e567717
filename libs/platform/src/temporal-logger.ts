import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import type { Logger } from '@careflow/config';

const levels: Readonly<Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'>> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * The Temporal runtime's logger (Runtime.install({ logger })) over the app's: the SDK's, the
 * workflows' and the activities' lines pass the same allow-list. The SDK's messages are its own
 * constants; the native core's are formatted text that may quote a failure, so only their origin
 * is kept.
 */
export const temporalLoggerOver = (logger: Logger): TemporalLogger => {
  const log = (level: LogLevel, message: string, meta: LogMetadata = {}): void => {
    const fromCore = meta['sdkComponent'] === 'core';
    logger[levels[level]]({ ...meta, source: 'temporal' }, fromCore ? 'temporal core log' : message);
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
};
