export * from './topics';
export * from './care-episode';
