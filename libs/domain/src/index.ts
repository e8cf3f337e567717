export * from './calendar';
export * from './errors';
export * from './settings';
export { maxCommandBytes, maxEventBytes } from './validation';
export * from './rules';
export * from './care-episode';
export * from './billing';
export * from './routing';
