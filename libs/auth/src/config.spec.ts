import { z } from 'zod';
import { authEnv, tokenVerifierOptions } from './config';

const schema = z.object(authEnv);
const secret = 'a-local-secret-of-at-least-32-bytes!!';

describe('token settings', () => {
  it('default to the local stack: HS256, its issuer and audience, a bounded age and skew', () => {
    expect(tokenVerifierOptions(schema.parse({ AUTH_JWT_SECRET: secret }))).toEqual({
      key: { kind: 'hs256', secret },
      issuer: 'careflow-local',
      audience: 'careflow',
      maxTokenAgeSeconds: 28_800,
      clockToleranceSeconds: 30,
    });
  });

  it('take a JWKS over HTTPS with its algorithms', () => {
    const config = schema.parse({ AUTH_JWKS_URL: 'https://idp.example/jwks', AUTH_JWKS_ALGORITHMS: 'ES256' });
    expect(tokenVerifierOptions(config).key).toEqual({ kind: 'jwks', url: 'https://idp.example/jwks', algorithms: ['ES256'] });
  });

  it.each([
    [{ AUTH_JWKS_URL: 'http://idp.example/jwks' }, 'AUTH_JWKS_URL'],
    [{ AUTH_JWKS_URL: 'https://idp.example/jwks', AUTH_JWKS_ALGORITHMS: 'HS256' }, 'AUTH_JWKS_ALGORITHMS'],
    [{ AUTH_JWT_SECRET: 'short' }, 'AUTH_JWT_SECRET'],
    [{ AUTH_JWT_SECRET: secret, AUTH_CLOCK_TOLERANCE_SECONDS: '3600' }, 'AUTH_CLOCK_TOLERANCE_SECONDS'],
  ])('refuse %p', (env, variable) => {
    const result = schema.safeParse(env);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path[0])).toContain(variable);
  });

  it('need exactly one of the secret and the JWKS URL', () => {
    expect(() => tokenVerifierOptions(schema.parse({}))).toThrow('exactly one');
    expect(() => tokenVerifierOptions(schema.parse({ AUTH_JWT_SECRET: secret, AUTH_JWKS_URL: 'https://idp.example/jwks' }))).toThrow(
      'exactly one',
    );
  });
});
