import { createLocalJWKSet, exportJWK, exportSPKI, generateKeyPair, SignJWT, UnsecuredJWT, type JWTPayload, type KeyLike } from 'jose';
import { mintLocalToken } from './local-token';
import {
  createTokenVerifier,
  createTokenVerifierWithKey,
  TokenConfigurationError,
  type TokenRefusalReason,
  type TokenVerification,
  type TokenVerifier,
} from './token-verifier';

const secret = 'a-local-secret-of-at-least-32-bytes!!';
const issuer = 'careflow-local';
const audience = 'careflow';
const now = new Date('2026-03-02T09:00:00Z');
const nowSeconds = now.getTime() / 1000;
const settings = { issuer, audience, maxTokenAgeSeconds: 3600, clockToleranceSeconds: 30, now: () => now };

const verifier = createTokenVerifier({ key: { kind: 'hs256', secret }, ...settings });

const claims = (overrides: JWTPayload = {}): JWTPayload => ({
  sub: 'u-7',
  iss: issuer,
  aud: audience,
  iat: nowSeconds - 60,
  exp: nowSeconds + 600,
  role: 'therapist',
  departments: ['D1'],
  ...overrides,
});

const without = (claim: string): JWTPayload => Object.fromEntries(Object.entries(claims()).filter(([name]) => name !== claim));

const signHs256 = (payload: JWTPayload, key: string | Uint8Array = secret): Promise<string> =>
  new SignJWT(payload).setProtectedHeader({ alg: 'HS256' }).sign(typeof key === 'string' ? new TextEncoder().encode(key) : key);

const expectRefused = async (verify: TokenVerifier, token: string, reason: TokenRefusalReason): Promise<void> => {
  const result: TokenVerification = await verify(token);
  expect(result).toEqual({ ok: false, refusal: { reason, message: expect.any(String) } });
};

describe('the local HS256 token verifier', () => {
  it('turns the claims of a valid token into a principal', async () => {
    const token = await signHs256(claims({ departments: ['D1', 'D2'], purpose_of_use: 'treatment' }));
    await expect(verifier(token)).resolves.toEqual({
      ok: true,
      principal: { userId: 'u-7', role: 'therapist', departments: ['D1', 'D2'], purposeOfUse: 'treatment' },
    });
  });

  it('accepts a token minted by npm run token', async () => {
    const token = await mintLocalToken({
      secret,
      issuer,
      audience,
      principal: { userId: 'u-7', role: 'scheduler', departments: ['D1'] },
      lifetimeSeconds: 600,
      now,
    });
    await expect(verifier(token)).resolves.toEqual({ ok: true, principal: { userId: 'u-7', role: 'scheduler', departments: ['D1'] } });
  });

  it.each<[string, JWTPayload, TokenRefusalReason]>([
    ['expired beyond the clock tolerance', claims({ exp: nowSeconds - 31 }), 'expired'],
    ['not valid yet beyond the clock tolerance', claims({ nbf: nowSeconds + 31 }), 'not-yet-valid'],
    ['issued in the future beyond the clock tolerance', claims({ iat: nowSeconds + 31 }), 'issued-in-the-future'],
    ['older than the maximum age, though unexpired', claims({ iat: nowSeconds - 3600 - 31, exp: nowSeconds + 600 }), 'too-old'],
    ['from another issuer', claims({ iss: 'someone-else' }), 'wrong-issuer'],
    ['for another audience', claims({ aud: 'another-app' }), 'wrong-audience'],
    ['without exp', without('exp'), 'missing-claim'],
    ['without iat', without('iat'), 'missing-claim'],
    ['without sub', without('sub'), 'missing-claim'],
    ['without iss', without('iss'), 'missing-claim'],
    ['without aud', without('aud'), 'missing-claim'],
    ['without a role', without('role'), 'missing-claim'],
    ['without a department for a department role', without('departments'), 'missing-claim'],
    ['with an empty subject', claims({ sub: '' }), 'invalid-claim'],
    ['with a role Careflow does not know', claims({ role: 'system' }), 'invalid-claim'],
    ['with departments that are not a list of ids', claims({ departments: 'D1' }), 'invalid-claim'],
    ['with a purpose of use Careflow does not know', claims({ purpose_of_use: 'marketing' }), 'invalid-claim'],
    ['with a non-numeric iat', claims({ iat: 'yesterday' as unknown as number }), 'invalid-claim'],
  ])('refuses a token %s', async (_case, payload, reason) => {
    await expectRefused(verifier, await signHs256(payload), reason);
  });

  it('tolerates clock skew up to the configured bound', async () => {
    const token = await signHs256(claims({ exp: nowSeconds - 29, nbf: nowSeconds + 29, iat: nowSeconds + 29 }));
    await expect(verifier(token)).resolves.toMatchObject({ ok: true });
  });

  it('lets an auditor and an admin carry no department', async () => {
    for (const role of ['auditor', 'admin']) {
      const token = await signHs256(claims({ role, departments: undefined }));
      await expect(verifier(token)).resolves.toEqual({ ok: true, principal: { userId: 'u-7', role, departments: [] } });
    }
  });

  it('refuses a token signed with another secret, and one whose payload was changed after signing', async () => {
    await expectRefused(verifier, await signHs256(claims(), 'another-secret-of-at-least-32-bytes!!'), 'bad-signature');

    const [header, , signature] = (await signHs256(claims())).split('.');
    const raised = Buffer.from(JSON.stringify(claims({ role: 'admin' }))).toString('base64url');
    await expectRefused(verifier, `${header}.${raised}.${signature}`, 'bad-signature');
  });

  it('refuses an unsigned token (alg none)', async () => {
    await expectRefused(verifier, new UnsecuredJWT(claims()).encode(), 'wrong-algorithm');
  });

  it('refuses an RS256 token though its claims are right', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
    await expectRefused(verifier, token, 'wrong-algorithm');
  });

  it.each(['', 'not-a-token', 'a.b.c'])('refuses a malformed token %p', async (token) => {
    await expectRefused(verifier, token, 'malformed');
  });

  it('never echoes the token or a claim value in a refusal', async () => {
    const token = await signHs256(claims({ role: 'Jane Doe MRN 12345', iss: 'Jane Doe' }));
    const result = await verifier(token);
    expect(JSON.stringify(result)).not.toMatch(/Jane|12345/);
  });
});

describe('the JWKS token verifier', () => {
  const jwksVerifier = async (): Promise<{ verify: TokenVerifier; privateKey: KeyLike; publicPem: string }> => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const verify = createTokenVerifierWithKey(createLocalJWKSet({ keys: [jwk] }), ['RS256'], settings);
    return { verify, privateKey, publicPem: await exportSPKI(publicKey) };
  };

  it('accepts an RS256 token signed by a published key', async () => {
    const { verify, privateKey } = await jwksVerifier();
    const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(privateKey);
    await expect(verify(token)).resolves.toMatchObject({ ok: true, principal: { userId: 'u-7' } });
  });

  it('refuses an HS256 token whose secret is the published RSA public key (algorithm confusion)', async () => {
    const { verify, publicPem } = await jwksVerifier();
    const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).sign(new TextEncoder().encode(publicPem));
    await expectRefused(verify, token, 'wrong-algorithm');
  });

  it('refuses a token signed by a key the provider does not publish', async () => {
    const { verify } = await jwksVerifier();
    const other = await generateKeyPair('RS256');
    const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'RS256', kid: 'k2' }).sign(other.privateKey);
    await expectRefused(verify, token, 'unknown-key');
  });

  it('refuses an unsigned token', async () => {
    const { verify } = await jwksVerifier();
    await expectRefused(verify, new UnsecuredJWT(claims()).encode(), 'wrong-algorithm');
  });
});

describe('verifier configuration', () => {
  it.each<[string, () => unknown, string]>([
    [
      'a JWKS over plain HTTP',
      () => createTokenVerifier({ key: { kind: 'jwks', url: 'http://idp.example/jwks', algorithms: ['RS256'] }, ...settings }),
      'HTTPS',
    ],
    [
      'a JWKS URL that is not a URL',
      () => createTokenVerifier({ key: { kind: 'jwks', url: 'idp', algorithms: ['RS256'] }, ...settings }),
      'not a URL',
    ],
    [
      'a JWKS with no algorithm',
      () => createTokenVerifier({ key: { kind: 'jwks', url: 'https://idp.example/jwks', algorithms: [] }, ...settings }),
      'at least one',
    ],
    [
      'a JWKS with a symmetric algorithm',
      () => createTokenVerifier({ key: { kind: 'jwks', url: 'https://idp.example/jwks', algorithms: ['HS256' as 'RS256'] }, ...settings }),
      'must be among',
    ],
    ['a short HS256 secret', () => createTokenVerifier({ key: { kind: 'hs256', secret: 'short' }, ...settings }), '32 bytes'],
    [
      'an unbounded clock tolerance',
      () => createTokenVerifier({ key: { kind: 'hs256', secret }, ...settings, clockToleranceSeconds: 3600 }),
      'clock tolerance',
    ],
    [
      'no maximum token age',
      () => createTokenVerifier({ key: { kind: 'hs256', secret }, ...settings, maxTokenAgeSeconds: 0 }),
      'maximum token age',
    ],
  ])('refuses %s at start', (_case, create, words) => {
    expect(create).toThrow(TokenConfigurationError);
    expect(create).toThrow(words);
  });

  it('accepts a JWKS over HTTPS', () => {
    expect(() =>
      createTokenVerifier({ key: { kind: 'jwks', url: 'https://idp.example/jwks', algorithms: ['RS256', 'ES256'] }, ...settings }),
    ).not.toThrow();
  });
});
