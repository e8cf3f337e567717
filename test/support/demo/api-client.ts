/**
 * The demo's HTTP client of the public API: bearer tokens minted the way `npm run token` mints them
 * (libs/auth), JSON in and out, and nothing else. Answers are returned, never thrown, so a caller can
 * show a rule's refusal as what the product did.
 */
import { randomUUID } from 'node:crypto';
import { localTokenDefaults, mintLocalToken, type StaffRole } from '@careflow/auth';

export interface ApiAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export interface Caller {
  readonly userId: string;
  readonly role: StaffRole;
  readonly departments: readonly string[];
}

export interface DemoApi {
  readonly baseUrl: string;
  token(caller: Caller): Promise<string>;
  call(caller: Caller, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<ApiAnswer>;
}

export interface DemoApiOptions {
  /**
   * How long a call is sent again while the API cannot be reached or answers 502–504 (a fault test
   * restarting apps). Each POST carries one Idempotency-Key for all its attempts, so a command the
   * API applied before the answer was lost is answered again, never applied twice. 0: never again.
   */
  readonly retryForMs?: number;
}

const unavailable = (status: number): boolean => status === 502 || status === 503 || status === 504;

/** A caller's token is minted once and reused for its lifetime (an hour is plenty for a run). */
export const demoApi = (baseUrl: string, secret: string, options: DemoApiOptions = {}): DemoApi => {
  const tokens = new Map<string, Promise<string>>();
  const token = (caller: Caller): Promise<string> => {
    const key = `${caller.role}/${caller.userId}/${caller.departments.join(',')}`;
    let minted = tokens.get(key);
    if (minted === undefined) {
      minted = mintLocalToken({
        secret,
        issuer: process.env['AUTH_JWT_ISSUER'] ?? localTokenDefaults.issuer,
        audience: process.env['AUTH_JWT_AUDIENCE'] ?? localTokenDefaults.audience,
        principal: { userId: caller.userId, role: caller.role, departments: [...caller.departments] },
        lifetimeSeconds: localTokenDefaults.lifetimeMinutes * 60,
      });
      tokens.set(key, minted);
    }
    return minted;
  };
  const send = async (
    caller: Caller,
    method: string,
    path: string,
    body: unknown,
    idempotencyKey: string | undefined,
  ): Promise<ApiAnswer> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await token(caller)}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    if (text !== '') {
      try {
        parsed = JSON.parse(text) as Record<string, unknown>;
      } catch {
        parsed = {};
      }
    }
    return { status: response.status, body: parsed };
  };
  const call = async (caller: Caller, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<ApiAnswer> => {
    const deadline = Date.now() + (options.retryForMs ?? 0);
    const idempotencyKey = method === 'POST' ? randomUUID() : undefined;
    for (;;) {
      try {
        const answer = await send(caller, method, path, body, idempotencyKey);
        if (!unavailable(answer.status) || Date.now() > deadline) return answer;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      await pause(500);
    }
  };
  return { baseUrl, token, call };
};

/** An answer the step needed to succeed; otherwise an error naming the step, the status and the rule. */
export const expectOk = (answer: ApiAnswer, step: string): Record<string, unknown> => {
  if (answer.status >= 200 && answer.status < 300) return answer.body;
  const code = typeof answer.body['code'] === 'string' ? ` ${answer.body['code']}` : '';
  const detail = typeof answer.body['detail'] === 'string' ? `: ${answer.body['detail']}` : '';
  throw new Error(`${step}: HTTP ${answer.status}${code}${detail}`);
};

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `done` holds for what `read` answers, or throws naming `what` at the deadline (visibility is eventual). */
export const pollFor = async <T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 60_000,
  intervalMs = 250,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms`);
    await pause(intervalMs);
  }
};
