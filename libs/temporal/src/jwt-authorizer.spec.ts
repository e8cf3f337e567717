import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type KeyLike, SignJWT } from 'jose';
import { createJwtAuthorizer } from './jwt-authorizer';

const issuer = 'https://id.careflow.test';
const audience = 'temporal-codec';

describe('createJwtAuthorizer', () => {
  it('refuses an HS256 secret shorter than 32 bytes', () => {
    expect(() => createJwtAuthorizer({ key: { hs256Secret: 'short' }, issuer, audience })).toThrow(
      'The HS256 secret for codec tokens must be at least 32 bytes long',
    );
  });

  it('refuses an unsigned token', async () => {
    const authorize = createJwtAuthorizer({ key: { hs256Secret: 'x'.repeat(32) }, issuer, audience });
    const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${encode({ alg: 'none' })}.${encode({ sub: 'u', iss: issuer, aud: audience })}.`;
    await expect(authorize(unsigned)).resolves.toBeNull();
  });

  describe('with a JWKS endpoint', () => {
    let server: Server;
    let jwksUrl: string;
    let privateKey: KeyLike;

    beforeAll(async () => {
      const pair = await generateKeyPair('ES256');
      privateKey = pair.privateKey;
      const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'key-1', alg: 'ES256', use: 'sig' };
      server = createServer((_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: [jwk] }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
    });

    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    const sign = (subject: string, kid = 'key-1'): Promise<string> =>
      new SignJWT({ role: 'operator' })
        .setProtectedHeader({ alg: 'ES256', kid })
        .setSubject(subject)
        .setIssuer(issuer)
        .setAudience(audience)
        .setExpirationTime('5m')
        .sign(privateKey);

    it('accepts a token signed by a key of the set, with its claims', async () => {
      const authorize = createJwtAuthorizer({ key: { jwksUrl }, issuer, audience });
      await expect(authorize(await sign('user-7'))).resolves.toEqual({
        subject: 'user-7',
        claims: expect.objectContaining({ sub: 'user-7', role: 'operator' }),
      });
    });

    it('refuses a token whose key is not in the set', async () => {
      const authorize = createJwtAuthorizer({ key: { jwksUrl }, issuer, audience });
      await expect(authorize(await sign('user-7', 'key-2'))).resolves.toBeNull();
    });

    it('rejects, rather than refuses, when the JWKS endpoint cannot be reached', async () => {
      const authorize = createJwtAuthorizer({ key: { jwksUrl: 'http://127.0.0.1:1/jwks.json' }, issuer, audience });
      // The connection error itself, not a refusal (null) or a jose verdict on the token.
      await expect(authorize(await sign('user-7'))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    });
  });
});
