export * from './topics';
export * from './care-episode';
export * from './integration-events';
export * from './billing-charges';
