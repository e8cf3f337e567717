export * from './permissions';
export * from './token-verifier';
export { mintLocalToken, type LocalTokenOptions } from './local-token';
export { localTokenDefaults } from './local-defaults';
export { authEnv, tokenVerifierOptions, type AuthConfig } from './config';
