import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Field names that would carry PHI if someone logged a domain object by mistake. Redaction is the
 * safety net; the rule is still that log lines carry ids and counts only.
 */
const phiPaths = [
  'patient',
  'name',
  'givenName',
  'familyName',
  'mrn',
  'birthDate',
  'dateOfBirth',
  'address',
  'phone',
  'email',
  'note',
  'notes',
  'narrative',
  'medicalHistory',
  'medications',
  'allergies',
  'goals',
  'feedback',
];

const redactPaths = phiPaths.flatMap((path) => [path, `*.${path}`, `*.*.${path}`]);

export const createLogger = (app: string, level = 'info', destination?: pino.DestinationStream): Logger =>
  pino(
    {
      // The app goes in `app`, not pino's `name`: a top-level `name` must stay redactable.
      level,
      base: { app },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: redactPaths, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );

/** Runs an app's main, turning a startup failure into one structured line and exit code 1. */
export const runMain = (app: string, main: () => Promise<void>): void => {
  main().catch((error: unknown) => {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    process.stderr.write(`${JSON.stringify({ level: 'fatal', app, msg: `${app} failed to start: ${message}` })}\n`);
    process.exit(1);
  });
};
