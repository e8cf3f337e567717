/**
 * The demo's HTTP client of the public API: bearer tokens minted the way `npm run token` mints them
 * (libs/auth), JSON in and out, and nothing else. Answers are returned, never thrown, so a caller can
 * show a rule's refusal as what the product did.
 */
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

/** A caller's token is minted once and reused for its lifetime (an hour is plenty for a run). */
export const demoApi = (baseUrl: string, secret: string): DemoApi => {
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
  const call = async (caller: Caller, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<ApiAnswer> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await token(caller)}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
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
