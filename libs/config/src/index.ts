export * from './env';
export * from './logger';
export * from './nest-logger';
export * from './dependency-probe';
export * from './connections';
