export * from './kafka';
export * from './patient-key';
export * from './episode-integration-events';
