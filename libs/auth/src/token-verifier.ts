/**
 * Bearer JWT verification: a JWKS over HTTPS in production, a shared HS256 secret on the local stack.
 * Algorithms are pinned per key kind, so neither `alg: none` nor a token signed with HS256 over an RSA
 * public key can pass; `exp`, `iat`, `iss`, `aud` and `sub` are required, the token's age is bounded
 * and clock skew is tolerated only up to a limit.
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { isStaffRole, purposesOfUse, type Principal, type PurposeOfUse, type StaffRole } from './permissions';

/** RFC 7518 §3.2: an HS256 secret is at least as long as the hash, 32 bytes. */
export const minHs256SecretBytes = 32;
/** Skew between our clock and the identity provider's; more would stretch every token's life. */
export const maxClockToleranceSeconds = 300;

/** Asymmetric algorithms an identity provider's JWKS may sign with; symmetric ones never come from a JWKS. */
export const jwksAlgorithms = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;
export type JwksAlgorithm = (typeof jwksAlgorithms)[number];

export type TokenKey =
  | { readonly kind: 'hs256'; readonly secret: string }
  | { readonly kind: 'jwks'; readonly url: string; readonly algorithms: readonly JwksAlgorithm[] };

export interface TokenVerifierOptions {
  readonly key: TokenKey;
  readonly issuer: string;
  readonly audience: string;
  /** Tokens issued longer ago than this are refused even before they expire. */
  readonly maxTokenAgeSeconds: number;
  readonly clockToleranceSeconds: number;
  /** The clock; tests pass a fixed one. */
  readonly now?: () => Date;
}

/** Claim names carried by Careflow tokens besides the registered ones. */
export const careflowClaims = { role: 'role', departments: 'departments', purposeOfUse: 'purpose_of_use' } as const;

/** Roles whose work is hospital-wide and so may carry no department; every other role needs one. */
const rolesWithoutDepartment: readonly StaffRole[] = ['auditor', 'admin'];
export const needsDepartment = (role: StaffRole): boolean => !rolesWithoutDepartment.includes(role);

export type TokenRefusalReason =
  | 'malformed'
  | 'wrong-algorithm'
  | 'bad-signature'
  | 'unknown-key'
  | 'expired'
  | 'not-yet-valid'
  | 'issued-in-the-future'
  | 'too-old'
  | 'wrong-issuer'
  | 'wrong-audience'
  | 'missing-claim'
  | 'invalid-claim';

/** Why a token was refused, in words an operator understands; never the token or a claim's value. */
export interface TokenRefusal {
  readonly reason: TokenRefusalReason;
  readonly message: string;
}

export type TokenVerification =
  { readonly ok: true; readonly principal: Principal } | { readonly ok: false; readonly refusal: TokenRefusal };

export type TokenVerifier = (bearerToken: string) => Promise<TokenVerification>;

/** Options that cannot work: a short secret, a JWKS over plain HTTP, an unbounded skew. Raised at start. */
export class TokenConfigurationError extends Error {
  override readonly name = 'TokenConfigurationError';
}

const refuse = (reason: TokenRefusalReason, message: string): TokenVerification => ({ ok: false, refusal: { reason, message } });

const keyFor = (key: TokenKey): { getKey: JWTVerifyGetKey; algorithms: string[] } => {
  switch (key.kind) {
    case 'hs256': {
      const secret = new TextEncoder().encode(key.secret);
      if (secret.byteLength < minHs256SecretBytes) {
        throw new TokenConfigurationError(`the HS256 token secret must be at least ${minHs256SecretBytes} bytes long`);
      }
      return { getKey: () => secret, algorithms: ['HS256'] };
    }
    case 'jwks': {
      let url: URL;
      try {
        url = new URL(key.url);
      } catch {
        throw new TokenConfigurationError('the JWKS URL is not a URL');
      }
      if (url.protocol !== 'https:') throw new TokenConfigurationError('the JWKS URL must use HTTPS');
      return { getKey: createRemoteJWKSet(url), algorithms: jwksAlgorithmsOf(key.algorithms) };
    }
  }
};

const jwksAlgorithmsOf = (algorithms: readonly string[]): string[] => {
  if (algorithms.length === 0) throw new TokenConfigurationError('name at least one JWKS signing algorithm');
  if (!algorithms.every((algorithm) => (jwksAlgorithms as readonly string[]).includes(algorithm))) {
    throw new TokenConfigurationError(`JWKS signing algorithms must be among ${jwksAlgorithms.join(', ')}`);
  }
  return [...algorithms];
};

export const createTokenVerifier = (options: TokenVerifierOptions): TokenVerifier => {
  const { getKey, algorithms } = keyFor(options.key);
  return createTokenVerifierWithKey(getKey, algorithms, options);
};

/**
 * The verifier over a key resolver; createTokenVerifier builds it for HS256 or a remote JWKS, tests
 * for a local key set.
 */
export const createTokenVerifierWithKey = (
  getKey: JWTVerifyGetKey,
  algorithms: readonly string[],
  options: Omit<TokenVerifierOptions, 'key'>,
): TokenVerifier => {
  if (!Number.isInteger(options.maxTokenAgeSeconds) || options.maxTokenAgeSeconds <= 0) {
    throw new TokenConfigurationError('the maximum token age must be a positive number of seconds');
  }
  if (
    !Number.isInteger(options.clockToleranceSeconds) ||
    options.clockToleranceSeconds < 0 ||
    options.clockToleranceSeconds > maxClockToleranceSeconds
  ) {
    throw new TokenConfigurationError(`the clock tolerance must be between 0 and ${maxClockToleranceSeconds} seconds`);
  }
  const now = options.now ?? (() => new Date());
  return async (bearerToken) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(bearerToken, getKey, {
        algorithms: [...algorithms],
        issuer: options.issuer,
        audience: options.audience,
        maxTokenAge: options.maxTokenAgeSeconds,
        clockTolerance: options.clockToleranceSeconds,
        requiredClaims: ['exp', 'iat', 'sub'],
        currentDate: now(),
      }));
    } catch (error) {
      return refusalOf(error);
    }
    return principalOf(payload);
  };
};

/** jose's errors in the clinic's words; an unreachable or broken JWKS endpoint is an outage and rethrown. */
const refusalOf = (error: unknown): TokenVerification => {
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || !(error instanceof errors.JOSEError)) throw error;
  if (error instanceof errors.JWTExpired) {
    return error.claim === 'iat'
      ? refuse('too-old', 'The sign-in token was issued too long ago; sign in again.')
      : refuse('expired', 'The sign-in token has expired; sign in again.');
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return refuse('missing-claim', `The sign-in token lacks its "${error.claim}" claim.`);
    switch (error.claim) {
      case 'nbf':
        return refuse('not-yet-valid', 'The sign-in token is not valid yet.');
      case 'iat':
        return error.reason === 'check_failed'
          ? refuse('issued-in-the-future', 'The sign-in token says it was issued in the future.')
          : refuse('invalid-claim', 'The sign-in token\'s "iat" claim is not a time.');
      case 'iss':
        return refuse('wrong-issuer', 'The sign-in token was not issued by the identity provider Careflow trusts.');
      case 'aud':
        return refuse('wrong-audience', 'The sign-in token is meant for another application.');
      default:
        return refuse('invalid-claim', `The sign-in token's "${error.claim}" claim is not valid.`);
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return refuse('wrong-algorithm', 'The sign-in token is signed with an algorithm Careflow does not accept.');
  }
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return refuse('bad-signature', "The sign-in token's signature does not match.");
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return refuse('unknown-key', 'The sign-in token is signed with a key the identity provider does not publish.');
  }
  return refuse('malformed', 'The sign-in token is not a well-formed signed JWT.');
};

const maxIdentifierLength = 200;
const isIdentifier = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= maxIdentifierLength && value.trim() === value;

const principalOf = (payload: JWTPayload): TokenVerification => {
  if (!isIdentifier(payload.sub)) return refuse('invalid-claim', 'The sign-in token\'s "sub" claim is not a user id.');
  const role = payload[careflowClaims.role];
  if (role === undefined) return refuse('missing-claim', `The sign-in token lacks its "${careflowClaims.role}" claim.`);
  if (!isStaffRole(role)) return refuse('invalid-claim', 'The sign-in token names a role Careflow does not know.');

  const departments = payload[careflowClaims.departments] ?? [];
  if (!Array.isArray(departments) || !departments.every(isIdentifier) || new Set(departments).size !== departments.length) {
    return refuse('invalid-claim', `The sign-in token's "${careflowClaims.departments}" claim is not a list of department ids.`);
  }
  if (departments.length === 0 && needsDepartment(role)) {
    return refuse('missing-claim', `The sign-in token names no department for the ${role} role.`);
  }

  const purposeOfUse = payload[careflowClaims.purposeOfUse];
  if (purposeOfUse !== undefined && !(purposesOfUse as readonly unknown[]).includes(purposeOfUse)) {
    return refuse('invalid-claim', `The sign-in token's "${careflowClaims.purposeOfUse}" claim is not a purpose Careflow knows.`);
  }
  return {
    ok: true,
    principal: {
      userId: payload.sub,
      role,
      departments,
      ...(purposeOfUse === undefined ? {} : { purposeOfUse: purposeOfUse as PurposeOfUse }),
    },
  };
};
