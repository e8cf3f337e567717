/**
 * Test code only (`@careflow/domain/testing`): the made-up episode's commands and the given/when/then
 * harness, so specs at every level (domain, event store, workflow, system) build one episode one way.
 */
export * from './src/testing/fixtures';
export * from './src/testing/given-when-then';
