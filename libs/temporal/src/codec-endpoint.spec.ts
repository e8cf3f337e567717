import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { SignJWT } from 'jose';
import { createTokenVerifier, mintLocalToken, type StaffRole } from '@careflow/auth';
import { type CodecRequest, type CodecRequestHeaders, encryptionCodecsFor, handleCodecRequest } from './codec-endpoint';
import { EncryptionCodec } from './encryption-codec';

const secret = randomBytes(32).toString('base64');
const issuer = 'https://id.careflow.test';
const audience = 'temporal-codec';
const uiOrigin = 'http://localhost:8233';
const keyring = { activeKeyId: 'k1', keys: { k1: randomBytes(32) } };
const maxTokenAgeSeconds = 60 * 60;
const options = {
  codecFor: encryptionCodecsFor(keyring, ['careflow']),
  verifyToken: createTokenVerifier({ key: { kind: 'hs256', secret }, issuer, audience, maxTokenAgeSeconds, clockToleranceSeconds: 0 }),
  allowedOrigins: [uiOrigin],
};

const token = (
  claims: { sub?: string; aud?: string; exp?: string; role?: StaffRole; iat?: boolean } = {},
  key = secret,
): Promise<string> => {
  const jwt = new SignJWT({ role: claims.role ?? 'admin', departments: ['oncology'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(issuer)
    .setAudience(claims.aud ?? audience);
  if (claims.sub !== undefined) jwt.setSubject(claims.sub);
  if (claims.iat !== false) jwt.setIssuedAt();
  return jwt.setExpirationTime(claims.exp ?? '5m').sign(new TextEncoder().encode(key));
};

const toJson = (payload: Payload): { metadata: Record<string, string>; data: string } => ({
  metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(payload.data ?? []).toString('base64'),
});

const post = (path: string, body: unknown, headers: CodecRequestHeaders = {}): CodecRequest => ({
  method: 'POST',
  path,
  headers: { origin: uiOrigin, 'content-type': 'application/json', 'x-namespace': 'careflow', ...headers },
  body,
});

const bearer = async (sub = 'user-42', role: StaffRole = 'admin'): Promise<CodecRequestHeaders> => ({
  authorization: `Bearer ${await token({ sub, role })}`,
});

describe('handleCodecRequest', () => {
  const plain = { payloads: [toJson(defaultPayloadConverter.toPayload({ patient: 'Ada Example', sessions: 3 }))] };

  describe('authentication', () => {
    it('refuses a request without a token, and reports the denial for the audit trail', async () => {
      const response = await handleCodecRequest(post('/decode', plain), options);
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer');
      expect(response.body).toEqual({ error: 'A valid bearer token is required' });
      expect(response.audit).toEqual({
        operation: 'decode',
        subject: null,
        role: null,
        purposeOfUse: null,
        namespace: 'careflow',
        payloadCount: 0,
        outcome: 'denied',
      });
    });

    it.each([
      ['a token that is not a JWT', async () => 'Bearer not-a-jwt'],
      ['a token signed with another secret', async () => `Bearer ${await token({ sub: 'u' }, randomBytes(32).toString('base64'))}`],
      ['an expired token', async () => `Bearer ${await token({ sub: 'u', exp: '-1m' })}`],
      ['a token for another audience', async () => `Bearer ${await token({ sub: 'u', aud: 'billing' })}`],
      ['a token without a subject', async () => `Bearer ${await token({})}`],
      ['a token without an issue time', async () => `Bearer ${await token({ sub: 'u', iat: false })}`],
      [
        'a token issued longer ago than the maximum age, though not expired',
        async () =>
          `Bearer ${await mintLocalToken({
            secret,
            issuer,
            audience,
            principal: { userId: 'u', role: 'admin', departments: [] },
            lifetimeSeconds: 3 * maxTokenAgeSeconds,
            now: new Date(Date.now() - 2 * maxTokenAgeSeconds * 1000),
          })}`,
      ],
      ['a token with a role no staff member has', async () => `Bearer ${await token({ sub: 'u', role: 'system' as StaffRole })}`],
      ['a non-bearer scheme', async () => `Basic ${Buffer.from('u:p').toString('base64')}`],
    ])('refuses %s', async (_case, authorization) => {
      const request = post('/encode', plain, { authorization: await authorization() });
      const response = await handleCodecRequest(request, options);
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ error: 'A valid bearer token is required' });
      expect(response.audit).toMatchObject({ subject: null, outcome: 'denied' });
    });
  });

  describe('authorization', () => {
    it.each([['decode'], ['encode']])(
      'refuses to %s for a role without that codec permission, naming no token or claim',
      async (operation) => {
        const authorization = `Bearer ${await token({ sub: 'therapist-7', role: 'therapist' })}`;
        const response = await handleCodecRequest(post(`/codec/${operation}`, plain, { authorization }), options);
        expect(response.status).toBe(403);
        expect(response.body).toEqual({ error: `Your role may not ${operation} Temporal payloads` });
        expect(JSON.stringify(response.body)).not.toMatch(/therapist|Bearer|eyJ/);
        expect(response.audit).toEqual({
          operation,
          subject: 'therapist-7',
          role: 'therapist',
          purposeOfUse: null,
          namespace: 'careflow',
          payloadCount: 0,
          outcome: 'denied',
        });
      },
    );

    it('checks the permission before the namespace, so a refused role learns nothing about namespaces', async () => {
      const headers = { ...(await bearer('therapist-7', 'therapist')), 'x-namespace': 'billing' };
      expect((await handleCodecRequest(post('/decode', plain, headers), options)).status).toBe(403);
    });
  });

  it('round-trips payloads through /encode and /decode with a valid token', async () => {
    const headers = await bearer();
    const encoded = await handleCodecRequest(post('/codec/encode', plain, headers), options);
    expect(encoded.status).toBe(200);
    expect(JSON.stringify(encoded.body)).not.toContain(plain.payloads[0]?.data);
    expect(encoded.audit).toEqual({
      operation: 'encode',
      subject: 'user-42',
      role: 'admin',
      purposeOfUse: null,
      namespace: 'careflow',
      payloadCount: 1,
      outcome: 'succeeded',
    });

    const decoded = await handleCodecRequest(post('/codec/decode/', encoded.body, headers), options);
    expect(decoded.status).toBe(200);
    expect(decoded.body).toEqual(plain);
    expect(decoded.headers).toMatchObject({
      'content-type': 'application/json',
      'access-control-allow-origin': uiOrigin,
    });
  });

  it('refuses to decode payloads that were never encrypted', async () => {
    const response = await handleCodecRequest(post('/decode', plain, await bearer()), options);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: expect.stringContaining('Payload is not encrypted') });
    expect(response.audit?.outcome).toBe('rejected');
  });

  it('decodes a payload only in the namespace it was encrypted for', async () => {
    const headers = await bearer();
    const serving = { ...options, codecFor: encryptionCodecsFor(keyring, ['careflow', 'careflow-staging']) };
    const encoded = await handleCodecRequest(post('/encode', plain, headers), serving);
    const elsewhere = await handleCodecRequest(post('/decode', encoded.body, { ...headers, 'x-namespace': 'careflow-staging' }), serving);
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body).toEqual({ error: expect.stringContaining('written in another namespace') });
  });

  it.each([
    ['without a namespace', { 'x-namespace': undefined }],
    ['for a namespace it does not serve', { 'x-namespace': 'billing' }],
  ])('refuses a request %s', async (_case, namespace) => {
    const response = await handleCodecRequest(post('/encode', plain, { ...(await bearer()), ...namespace }), options);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: expect.stringContaining('X-Namespace header') });
    expect(response.audit?.outcome).toBe('rejected');
  });

  it('answers 400 with the codec message when a payload cannot be decrypted', async () => {
    const other = new EncryptionCodec({ activeKeyId: 'k9', keys: { k9: randomBytes(32) } }, 'careflow');
    const [foreign] = await other.encode([defaultPayloadConverter.toPayload('Ada Example')]);
    const request = post('/decode', { payloads: [toJson(foreign ?? {})] }, await bearer());
    const response = await handleCodecRequest(request, options);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: expect.stringContaining('key id "k9"') });
    expect(JSON.stringify(response.body)).not.toContain('Ada Example');
    expect(response.audit?.outcome).toBe('rejected');
  });

  it.each([
    ['no body', undefined],
    ['no payloads', {}],
    ['data that is not base64', { payloads: [{ data: 'not base64!' }] }],
    ['metadata that is not base64', { payloads: [{ metadata: { encoding: 42 } }] }],
  ])('answers 400 for %s', async (_case, body) => {
    const response = await handleCodecRequest(post('/encode', body, await bearer()), options);
    expect(response.status).toBe(400);
    expect(response.audit).toMatchObject({ subject: 'user-42', outcome: 'rejected' });
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    expect((await handleCodecRequest(post('/payloads', plain, await bearer()), options)).status).toBe(404);
    const get = await handleCodecRequest({ ...post('/decode', undefined), method: 'GET' }, options);
    expect(get.status).toBe(405);
    expect(get.headers['allow']).toBe('POST, OPTIONS');
  });

  describe('CORS', () => {
    const preflight = (origin: string): CodecRequest => ({
      method: 'OPTIONS',
      path: '/decode',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' },
      body: undefined,
    });

    it('lets the Temporal UI origin send the token and namespace headers', async () => {
      const response = await handleCodecRequest(preflight(uiOrigin), options);
      expect(response.status).toBe(204);
      expect(response.headers).toMatchObject({
        'access-control-allow-origin': uiOrigin,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers': 'Authorization, Content-Type, X-Namespace',
        vary: 'Origin',
      });
      expect(response.audit).toBeUndefined();
    });

    it('gives other origins no CORS headers', async () => {
      const response = await handleCodecRequest(preflight('https://evil.example'), options);
      expect(response.status).toBe(403);
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
      const post401 = await handleCodecRequest(post('/decode', plain, { origin: 'https://evil.example' }), options);
      expect(post401.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
});
