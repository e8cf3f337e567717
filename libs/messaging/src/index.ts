export * from './kafka';
export * from './patient-key';
export * from './episode-event-consumer';
export * from './dead-letter';
