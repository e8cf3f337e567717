import { type Payload, type PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import { decideAccess, type Principal, type PurposeOfUse, type StaffRole, type TokenVerifier } from '@careflow/auth';
import { EncryptionCodec, PayloadDecryptionError } from './encryption-codec';
import type { PayloadKeyring } from './keyring';

export interface CodecEndpointOptions {
  /**
   * The codec for a namespace this endpoint serves, or null. Payloads are bound to their namespace,
   * so the UI's X-Namespace header picks the codec.
   */
  readonly codecFor: (namespace: string) => PayloadCodec | null;
  /** The API's verifier, so the codec takes the same tokens as every other endpoint. */
  readonly verifyToken: TokenVerifier;
  /** Origins of the Temporal UI allowed to call from a browser, e.g. http://localhost:8233. */
  readonly allowedOrigins: readonly string[];
}

export type CodecRequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface CodecRequest {
  readonly method: string;
  /** The request path; only its last segment (`encode` or `decode`) matters, so it can be mounted anywhere. */
  readonly path: string;
  readonly headers: CodecRequestHeaders;
  /** The parsed JSON body. */
  readonly body: unknown;
}

export type CodecOperation = 'encode' | 'decode';

/** What the caller's audit trail records: decoding shows PHI, so every attempt counts, refusals too. */
export interface CodecAuditRecord {
  readonly operation: CodecOperation;
  readonly subject: string | null;
  readonly role: StaffRole | null;
  readonly purposeOfUse: PurposeOfUse | null;
  readonly namespace: string | null;
  readonly payloadCount: number;
  readonly outcome: 'succeeded' | 'denied' | 'rejected';
}

export interface CodecResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** Present for every encode/decode attempt. */
  readonly audit?: CodecAuditRecord;
}

const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');

/** Payloads in proto3 JSON form: bytes fields are base64 strings. */
const payloadsBody = z.object({
  payloads: z.array(
    z.object({
      metadata: z.record(z.string(), base64).nullish(),
      data: base64.nullish(),
    }),
  ),
});

type JsonPayload = z.infer<typeof payloadsBody>['payloads'][number];

/**
 * The Temporal codec server protocol (POST …/encode and …/decode) for the Temporal UI, behind a
 * bearer token and the `codec:encode` / `codec:decode` permissions, framework-free so the API can
 * mount it. Unexpected errors are thrown for the host's error handling; a payload the codec cannot
 * read is the caller's problem (400).
 */
export async function handleCodecRequest(request: CodecRequest, options: CodecEndpointOptions): Promise<CodecResponse> {
  const origin = headerValue(request.headers, 'origin');
  const originAllowed = origin !== undefined && options.allowedOrigins.includes(origin);
  const cors: Record<string, string> = originAllowed
    ? { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'Origin' }
    : {};
  const reply = (
    status: number,
    body?: unknown,
    extra: { audit?: CodecAuditRecord; headers?: Record<string, string> } = {},
  ): CodecResponse => ({
    status,
    headers: { ...cors, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...extra.headers },
    body,
    audit: extra.audit,
  });

  const operation = operationOf(request.path);
  if (operation === null) {
    return reply(404, { error: 'Codec endpoints are /encode and /decode' });
  }
  if (request.method === 'OPTIONS') {
    return originAllowed
      ? reply(204, undefined, {
          headers: {
            'access-control-allow-methods': 'POST, OPTIONS',
            'access-control-allow-headers': 'Authorization, Content-Type, X-Namespace',
            'access-control-max-age': '600',
          },
        })
      : reply(403, { error: 'Origin not allowed' });
  }
  if (request.method !== 'POST') {
    return reply(405, { error: 'Use POST' }, { headers: { allow: 'POST, OPTIONS' } });
  }

  const namespace = headerValue(request.headers, 'x-namespace') ?? null;
  const audit = (caller: Principal | null, payloadCount: number, outcome: CodecAuditRecord['outcome']): CodecAuditRecord => ({
    operation,
    subject: caller?.userId ?? null,
    role: caller?.role ?? null,
    purposeOfUse: caller?.purposeOfUse ?? null,
    namespace,
    payloadCount,
    outcome,
  });

  const token = bearerToken(headerValue(request.headers, 'authorization'));
  const verification = token === null ? null : await options.verifyToken(token);
  if (verification === null || !verification.ok) {
    return reply(
      401,
      { error: 'A valid bearer token is required' },
      { audit: audit(null, 0, 'denied'), headers: { 'www-authenticate': 'Bearer' } },
    );
  }
  const caller = verification.principal;
  // Decoding shows PHI and encoding lets the UI send signals, so each is granted on its own.
  if (!decideAccess(verification.principal, `codec:${operation}`).allowed) {
    return reply(403, { error: `Your role may not ${operation} Temporal payloads` }, { audit: audit(caller, 0, 'denied') });
  }

  const codec = namespace === null ? null : options.codecFor(namespace);
  if (codec === null) {
    return reply(
      400,
      { error: 'An X-Namespace header naming a namespace this codec serves is required: payloads are bound to their namespace' },
      { audit: audit(caller, 0, 'rejected') },
    );
  }

  const parsed = payloadsBody.safeParse(request.body);
  if (!parsed.success) {
    return reply(
      400,
      { error: 'Body must be {"payloads": [{"metadata": {name: base64}, "data": base64}]}' },
      { audit: audit(caller, 0, 'rejected') },
    );
  }
  const payloads = parsed.data.payloads.map(fromJson);
  try {
    const result = operation === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
    return reply(200, { payloads: result.map(toJson) }, { audit: audit(caller, payloads.length, 'succeeded') });
  } catch (error) {
    if (error instanceof PayloadDecryptionError) {
      return reply(400, { error: error.message }, { audit: audit(caller, payloads.length, 'rejected') });
    }
    throw error;
  }
}

function operationOf(path: string): CodecOperation | null {
  const lastSegment = path.split('?')[0]?.replace(/\/+$/, '').split('/').pop();
  return lastSegment === 'encode' || lastSegment === 'decode' ? lastSegment : null;
}

function headerValue(headers: CodecRequestHeaders, name: string): string | undefined {
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  const value = entry?.[1];
  return typeof value === 'string' ? value : value?.[0];
}

function bearerToken(authorization: string | undefined): string | null {
  const match = authorization === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1] ?? null;
}

function fromJson({ metadata, data }: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([name, value]) => [name, Buffer.from(value, 'base64')])),
    data: Buffer.from(data ?? '', 'base64'),
  };
}

function toJson({ metadata, data }: Payload): { metadata: Record<string, string>; data: string } {
  return {
    metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([name, value]) => [name, Buffer.from(value).toString('base64')])),
    data: Buffer.from(data ?? new Uint8Array()).toString('base64'),
  };
}

/** One encryption codec per namespace served, for `CodecEndpointOptions.codecFor`. */
export function encryptionCodecsFor(keyring: PayloadKeyring, namespaces: readonly string[]): (namespace: string) => PayloadCodec | null {
  const codecs = new Map(namespaces.map((namespace) => [namespace, new EncryptionCodec(keyring, namespace)]));
  return (namespace) => codecs.get(namespace) ?? null;
}
