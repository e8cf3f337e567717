import { z } from 'zod';
import { localTokenDefaults } from './local-defaults';
import { jwksAlgorithms, maxClockToleranceSeconds, minHs256SecretBytes, type TokenVerifierOptions } from './token-verifier';

/**
 * The token settings of an app that verifies bearer tokens; it spreads these into its schema and
 * passes the parsed values to tokenVerifierOptions. Exactly one of the secret and the JWKS URL.
 */
export const authEnv = {
  /** The local stack's shared HS256 secret. */
  AUTH_JWT_SECRET: z.string().min(minHs256SecretBytes).optional(),
  /** The identity provider's JWKS in production; HTTPS only. */
  AUTH_JWKS_URL: z
    .string()
    .url()
    .refine((value) => value.startsWith('https://'), { message: 'must be an HTTPS URL' })
    .optional(),
  AUTH_JWKS_ALGORITHMS: z
    .string()
    .default('RS256,ES256')
    .transform((value) => value.split(',').map((algorithm) => algorithm.trim()))
    .pipe(z.array(z.enum(jwksAlgorithms)).min(1)),
  AUTH_JWT_ISSUER: z.string().min(1).default(localTokenDefaults.issuer),
  AUTH_JWT_AUDIENCE: z.string().min(1).default(localTokenDefaults.audience),
  AUTH_MAX_TOKEN_AGE_SECONDS: z.coerce.number().int().min(60).max(86_400).default(localTokenDefaults.maxTokenAgeSeconds),
  AUTH_CLOCK_TOLERANCE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(maxClockToleranceSeconds)
    .default(localTokenDefaults.clockToleranceSeconds),
};

export type AuthConfig = z.infer<z.ZodObject<typeof authEnv>>;

/** Names the problem when neither or both of the secret and the JWKS URL are set. */
export const tokenVerifierOptions = (config: AuthConfig): TokenVerifierOptions => {
  if (!config.AUTH_JWT_SECRET === !config.AUTH_JWKS_URL) {
    throw new Error('invalid configuration: set exactly one of AUTH_JWT_SECRET and AUTH_JWKS_URL');
  }
  return {
    key: config.AUTH_JWT_SECRET
      ? { kind: 'hs256', secret: config.AUTH_JWT_SECRET }
      : { kind: 'jwks', url: config.AUTH_JWKS_URL ?? '', algorithms: config.AUTH_JWKS_ALGORITHMS },
    issuer: config.AUTH_JWT_ISSUER,
    audience: config.AUTH_JWT_AUDIENCE,
    maxTokenAgeSeconds: config.AUTH_MAX_TOKEN_AGE_SECONDS,
    clockToleranceSeconds: config.AUTH_CLOCK_TOLERANCE_SECONDS,
  };
};
