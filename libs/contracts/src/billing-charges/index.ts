export * from './schemas';
export * from './message';
