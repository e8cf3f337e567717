import pino, { type Logger } from 'pino';
import { ConfigError } from './env';

export type { Logger } from 'pino';

/**
 * The only fields a log line may carry: ids, counts, codes and the names of things. Anything else
 * is replaced by "[redacted]" at any depth, so a domain object logged by mistake (a referral, a
 * note) never reaches the logs, whatever its field names.
 */
const allowedFields = new Set([
  'app',
  'episodeId',
  'eventId',
  // Staff and department ids (a therapist profile the directory skipped); never a patient's.
  'therapistId',
  'departmentId',
  'streamId',
  'workflowId',
  'runId',
  'workflowRunId',
  'workflowType',
  'activityId',
  'activityType',
  'taskQueue',
  'namespace',
  'attempt',
  'isLocal',
  'sdkComponent',
  'code',
  'type',
  'command',
  'count',
  'version',
  'expectedVersion',
  'durationMs',
  'latencyMs',
  'status',
  'down',
  'port',
  'signal',
  'topics',
  'context',
  'source',
  // kafkajs's lines (libs/messaging nests them under `kafka`): where and how often, never payloads.
  'kafka',
  'broker',
  'clientId',
  'groupId',
  'topic',
  'partition',
  'retryCount',
  'retryTime',
  // The codec endpoint's audit trail: who decoded how many payloads of which namespace, from where.
  'audit',
  'operation',
  'subject',
  'payloadCount',
  'outcome',
  'purpose',
  'client',
]);

// Errors go by name and code, under these keys or any other.
const errorFields = new Set(['err', 'error']);

export const redacted = '[redacted]';

// Objects nested deeper than this are cut off rather than walked.
const maxDepth = 4;

type Field = string | number | boolean | null | Field[] | { [key: string]: Field };

/**
 * What a log line may say about an error: its name and code, and its cause's. Never the message or
 * the stack: a message may quote the data that was refused (a Postgres row, a validation detail).
 */
export const safeError = (error: unknown, depth = 0): Field => {
  if (!(error instanceof Error)) return { type: typeof error };
  const code = (error as { code?: unknown }).code;
  const failureType = (error as { type?: unknown }).type;
  const cause = (error as { cause?: unknown }).cause;
  return {
    type: error.name,
    ...((typeof code === 'string' || typeof code === 'number') && /^[\w.-]{1,64}$/.test(String(code)) && { code: String(code) }),
    // Temporal's ApplicationFailure names its kind in `type` (the error class the activity threw).
    ...(typeof failureType === 'string' && /^[\w.-]{1,64}$/.test(failureType) && { failureType }),
    ...(cause !== undefined && depth < 2 && { cause: safeError(cause, depth + 1) }),
  };
};

const safeValue = (value: unknown, depth: number): Field => {
  if (value instanceof Error) return safeError(value);
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value === undefined) return null;
  if (depth >= maxDepth) return redacted;
  if (Array.isArray(value)) return value.map((item) => safeValue(item, depth + 1));
  if (typeof value === 'object') return safeFields(value as Record<string, unknown>, depth + 1);
  return redacted;
};

/** Keeps allow-listed fields (recursively) and replaces every other value by "[redacted]". */
export const safeFields = (fields: Readonly<Record<string, unknown>>, depth = 0): { [key: string]: Field } =>
  Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [
      key,
      errorFields.has(key) || value instanceof Error ? safeError(value) : allowedFields.has(key) ? safeValue(value, depth) : redacted,
    ]),
  );

/**
 * The logger every app uses. Messages are the code's own constant strings: printf-style arguments
 * are dropped (they would put values into the message), an error logged alone is logged by its
 * name, and fields pass the allow-list.
 */
export const createLogger = (app: string, level = 'info', destination?: pino.DestinationStream): Logger => {
  const logger = pino(
    {
      // The app goes in `app`, not pino's `name`.
      level,
      base: { app },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        logMethod(args, method) {
          const [first, second] = args as unknown[];
          if (typeof first === 'string') {
            method.call(this, first);
            return;
          }
          const message = typeof second === 'string' ? second : first instanceof Error ? first.name : undefined;
          const fields =
            first instanceof Error
              ? { err: safeError(first) }
              : typeof first === 'object' && first !== null
                ? safeFields(first as Record<string, unknown>)
                : {};
          if (message === undefined) method.call(this, fields);
          else method.call(this, fields, message);
        },
      },
    },
    destination,
  );
  // Children inherit this through their prototype, so bindings pass the allow-list at every level.
  const pinoChild = logger.child;
  logger.child = function safeChild(this: Logger, bindings, options) {
    return pinoChild.call(this, safeFields(bindings), options);
  } as Logger['child'];
  return logger;
};

/**
 * Node prints its process warnings (a library's negative timeout, a deprecation) to stderr as plain
 * text through a listener of its own; this replaces it, so they go through the allow-list like every
 * other line (a warning's text can quote anything): by name and code only.
 */
export const routeProcessWarnings = (logger: Logger): void => {
  process.removeAllListeners('warning');
  process.on('warning', (warning: Error & { code?: string }) => logger.warn({ type: warning.name, code: warning.code }, 'node warning'));
};

/**
 * Runs an app's main, turning a startup failure into one structured line and exit code 1. A
 * configuration error is shown as it is (it names variables, never values); any other error by name.
 */
export const runMain = (app: string, main: () => Promise<void>): void => {
  main().catch((error: unknown) => {
    const line =
      error instanceof ConfigError
        ? { level: 'fatal', app, msg: `${app} failed to start: ${error.message}` }
        : { level: 'fatal', app, err: safeError(error), msg: `${app} failed to start` };
    process.stderr.write(`${JSON.stringify(line)}\n`);
    process.exit(1);
  });
};
