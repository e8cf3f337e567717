export * from './tokens';
export * from './platform.module';
export * from './dependency-health';
export * from './background-app';
export * from './topics';
export * from './shutdown';
