export const WORKER_CONFIG = Symbol('careflow.worker-config');
export const ACTIVITIES = Symbol('careflow.activities');
