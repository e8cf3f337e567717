/** Nest injection tokens of the read routes. */
export const EPISODE_READS = Symbol('careflow.episode-reads');
export const EVENT_STORE = Symbol('careflow.event-store-reader');
export const EPISODE_SNAPSHOT = Symbol('careflow.episode-snapshot');
