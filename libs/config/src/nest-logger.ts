import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';

/**
 * Sends Nest's own log lines through the structured logger so every line is JSON. Nest's lifecycle
 * messages are its own constants; an error's message and stack are not (Nest logs an exception's
 * message, which may quote a request), so errors are logged by their context alone.
 */
export class StructuredNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }

  error(_message: unknown, _trace?: string, context?: string): void {
    this.logger.error({ context }, 'error reported by Nest');
  }

  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }

  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }

  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
