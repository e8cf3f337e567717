import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { type CodecAuthorizer } from './codec-endpoint';

/** RFC 7518 §3.2: an HS256 secret is at least as long as the hash, 32 bytes. */
const MIN_HS256_SECRET_BYTES = 32;

/** Either a shared HS256 secret (local stacks) or the identity provider's JWKS endpoint. */
export type JwtVerificationKey = { readonly hs256Secret: string } | { readonly jwksUrl: string };

export interface JwtAuthorizerOptions {
  readonly key: JwtVerificationKey;
  readonly issuer: string;
  readonly audience: string;
}

/**
 * A codec authorizer that accepts signed, unexpired JWTs from the configured issuer for the
 * configured audience, carrying a subject. Refused tokens resolve to null; an unreachable or broken
 * JWKS endpoint rejects, because that is an outage, not a bad token.
 */
export function createJwtAuthorizer(options: JwtAuthorizerOptions): CodecAuthorizer {
  const { key, algorithms } = verificationKey(options.key);
  const verifyOptions = { issuer: options.issuer, audience: options.audience, algorithms };
  return async (bearerToken) => {
    try {
      const { payload } = await jwtVerify(bearerToken, key, verifyOptions);
      return payload.sub === undefined || payload.sub === '' ? null : { subject: payload.sub, claims: payload };
    } catch (error) {
      const outage = error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid;
      if (error instanceof errors.JOSEError && !outage) {
        return null;
      }
      throw error;
    }
  };
}

function verificationKey(key: JwtVerificationKey): {
  key: JWTVerifyGetKey;
  algorithms: string[] | undefined;
} {
  if ('jwksUrl' in key) {
    // Algorithms follow the JWKS's keys; jose never accepts symmetric or "none" tokens against a JWKS.
    return { key: createRemoteJWKSet(new URL(key.jwksUrl)), algorithms: undefined };
  }
  const secret = new TextEncoder().encode(key.hs256Secret);
  if (secret.byteLength < MIN_HS256_SECRET_BYTES) {
    throw new Error(`The HS256 secret for codec tokens must be at least ${MIN_HS256_SECRET_BYTES} bytes long`);
  }
  return { key: () => secret, algorithms: ['HS256'] };
}
