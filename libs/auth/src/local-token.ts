/**
 * Local HS256 tokens, so a person can call the API on the local stack (`npm run token`) and tests can
 * sign in. Production tokens come from the hospital's identity provider, never from here.
 */
import { SignJWT } from 'jose';
import { careflowClaims, minHs256SecretBytes, TokenConfigurationError } from './token-verifier';
import type { Principal } from './permissions';

export interface LocalTokenOptions {
  readonly secret: string;
  readonly issuer: string;
  readonly audience: string;
  readonly principal: Principal;
  readonly lifetimeSeconds: number;
  readonly now?: Date;
}

export const mintLocalToken = async (options: LocalTokenOptions): Promise<string> => {
  const secret = new TextEncoder().encode(options.secret);
  if (secret.byteLength < minHs256SecretBytes) {
    throw new TokenConfigurationError(`the HS256 token secret must be at least ${minHs256SecretBytes} bytes long`);
  }
  const issuedAt = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const { principal } = options;
  return new SignJWT({
    [careflowClaims.role]: principal.role,
    [careflowClaims.departments]: [...principal.departments],
    ...(principal.purposeOfUse === undefined ? {} : { [careflowClaims.purposeOfUse]: principal.purposeOfUse }),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(principal.userId)
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + options.lifetimeSeconds)
    .sign(secret);
};
