export * from './keyring';
export * from './encryption-codec';
export * from './data-converter';
export * from './codec-endpoint';
export * from './care-episodes';
