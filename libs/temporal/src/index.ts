export * from './keyring';
export * from './encryption-codec';
export * from './data-converter';
export * from './codec-endpoint';
export * from './jwt-authorizer';
export * from './care-episodes';
