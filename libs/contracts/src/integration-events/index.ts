export * from './schemas';
export * from './to-integration-event';
export * from './json-schemas';
export * from './compatibility';
export * from './kafka-message';
