import { z } from 'zod';
import { appDatabaseEnv, commonEnv, loadConfig, temporalEnv } from '@careflow/config';

const workerEnv = {
  ...commonEnv,
  ...appDatabaseEnv('worker'),
  ...temporalEnv,
  /** `keyId:base64key,...`, first is active; older keys stay to decrypt existing histories. */
  PAYLOAD_KEYS: z.string().min(1),
  /** Prebuilt workflow bundle; without it the worker bundles workflows/ at start (development). */
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),
  WORKER_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(30_000),
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(1_000),
};

export type WorkerConfig = ReturnType<typeof loadWorkerConfig>;

export const loadWorkerConfig = (env: Readonly<Record<string, string | undefined>> = process.env) => loadConfig(workerEnv, env);
