/**
 * The workflow's entry to the contracts: its Update, Query, signals and search attributes, without the
 * message schemas and their validators, which it never uses and which would only weigh on its bundle.
 */
export * from './src/care-episode';
