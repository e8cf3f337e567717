/**
 * Servers for integration and system tests come from the environment (`infra/local/stack env` prints
 * it). A missing variable fails the test with a message saying how to get one, never a silent skip.
 */
export const requireEnv = (name: string): string => {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: start the local stack and load its environment (eval "$(infra/local/stack env)")`);
  }
  return value;
};

/** Ids unique to one test run, so tests never share rows, topics or task queues. */
export const uniqueSuffix = (): string => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
