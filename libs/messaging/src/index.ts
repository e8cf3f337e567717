export * from './kafka';
export * from './patient-key';
export * from './episode-integration-events';
export * from './episode-event-consumer';
export * from './dead-letter';
