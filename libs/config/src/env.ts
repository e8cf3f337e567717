import { z } from 'zod';

/** Raised when the environment does not satisfy an app's schema; the message is one line naming each bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const url = (protocols: readonly string[]) =>
  z
    .string()
    .url()
    .refine((value) => protocols.some((p) => value.startsWith(`${p}://`)), {
      message: `must be a ${protocols.join(' or ')} URL`,
    });

const hostPort = z.string().regex(/^[^\s:,]+:\d{1,5}$/, 'must be host:port');

/** Variables shared by every app; each app extends this with its own. */
export const commonEnv = {
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
};

/**
 * Where an app without HTTP (worker, relay, consumers) answers GET /health for a container
 * platform's probes; unset, it serves nothing. 0.0.0.0 in a container, so probes from outside reach it.
 */
export const healthEnv = {
  HEALTH_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  HEALTH_HOST: z.string().min(1).default('127.0.0.1'),
};

const databaseUrl = url(['postgres', 'postgresql']);
const databasePoolMax = z.coerce.number().int().min(1).max(200).default(10);

/** The database as tests and tools see it: DATABASE_URL is a role that may play every app's part. */
export const databaseEnv = {
  DATABASE_URL: databaseUrl,
  DATABASE_POOL_MAX: databasePoolMax,
};

/** The variable naming an app's own database URL: each app connects as a role of its own. */
export const appDatabaseUrlVariable = <App extends string>(app: App): `${Uppercase<App>}_DATABASE_URL` =>
  `${app.toUpperCase() as Uppercase<App>}_DATABASE_URL`;

/** An app's database: its own URL (WORKER_DATABASE_URL for the worker), never the shared DATABASE_URL. */
export const appDatabaseEnv = <App extends string>(app: App) =>
  ({ [appDatabaseUrlVariable(app)]: databaseUrl, DATABASE_POOL_MAX: databasePoolMax }) as {
    [K in `${Uppercase<App>}_DATABASE_URL`]: typeof databaseUrl;
  } & { DATABASE_POOL_MAX: typeof databasePoolMax };

export const temporalEnv = {
  TEMPORAL_ADDRESS: hostPort,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('care-episodes'),
};

export const kafkaEnv = {
  KAFKA_BROKERS: z
    .string()
    .min(1)
    .transform((value) => value.split(',').map((broker) => broker.trim()))
    .pipe(z.array(hostPort).min(1)),
  KAFKA_CLIENT_ID: z.string().min(1).default('careflow'),
};

/**
 * Parses the environment against a schema. Every problem is named in one line
 * (variable and what is wrong); values are never echoed since a URL may carry a password.
 */
export const loadConfig = <S extends z.ZodRawShape>(
  shape: S,
  env: Readonly<Record<string, string | undefined>> = process.env,
): z.infer<z.ZodObject<S>> => {
  const result = z.object(shape).safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.join('.') || '(environment)';
    const missing = issue.code === 'invalid_type' && issue.path.length === 1 && env[String(issue.path[0])] === undefined;
    return missing ? `${variable} is missing` : `${variable} ${issue.message.charAt(0).toLowerCase()}${issue.message.slice(1)}`;
  });
  throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
};
