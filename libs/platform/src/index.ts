export * from './tokens';
export * from './platform.module';
export * from './dependency-health';
export * from './run-app';
export * from './health-server';
export * from './topics';
export * from './shutdown';
export * from './temporal-logger';
