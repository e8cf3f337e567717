/** Nest injection tokens for the servers an app talks to. */
export const SQL = Symbol('careflow.sql');
export const TEMPORAL_CONNECTION = Symbol('careflow.temporal-connection');
export const KAFKA = Symbol('careflow.kafka');
export const LOGGER = Symbol('careflow.logger');
export const PLATFORM_OPTIONS = Symbol('careflow.platform-options');
