/**
 * The delivery port: how a notice reaches the referring provider. The first adapter POSTs the
 * Communication to a configured endpoint; another (Direct messaging, an interface engine's queue)
 * would implement the same port. docs/notices.md says what each outcome means.
 */
import type { Communication } from 'fhir/r4';

export type DeliveryResult =
  | { readonly outcome: 'delivered'; readonly statusCode: number }
  | {
      readonly outcome: 'failed';
      /** Worth another attempt later (the receiver is down, busy or slow); otherwise dead-lettered at once. */
      readonly retryable: boolean;
      /** The error's name or code, or `HttpStatus`: never a message or a response body. */
      readonly error: string;
      readonly statusCode?: number;
    };

export interface ReferrerNoticeDelivery {
  /** Sends one Communication; `idempotencyKey` is the same for every attempt of one notice, so the receiver can drop a repeat. */
  deliver(communication: Communication, idempotencyKey: string): Promise<DeliveryResult>;
}

export interface HttpDeliveryOptions {
  readonly url: string;
  readonly timeoutMs: number;
  readonly bearerToken?: string;
}

/** Statuses that say "later": timeouts, throttling, the receiver's own failures. Any other 4xx is a request it will never take. */
const retryableStatus = (status: number): boolean => status === 408 || status === 425 || status === 429 || status >= 500;

const errorNamePattern = /^[A-Za-z0-9_.-]{1,100}$/;

/**
 * fetch rejects with a TypeError whose cause carries the system's code (ECONNREFUSED, ENOTFOUND, a
 * TLS code), or with a TimeoutError. Read by shape, not `instanceof`: undici's errors may come from another realm.
 */
const failureName = (error: unknown): string => {
  const { name, cause } = (error ?? {}) as { name?: unknown; cause?: { code?: unknown } };
  const found = typeof cause?.code === 'string' ? cause.code : name;
  return typeof found === 'string' && errorNamePattern.test(found) ? found : 'Error';
};

/**
 * POSTs the Communication as application/fhir+json, with the notice id as `Idempotency-Key` (and
 * as the Communication's identifier). Redirects are not followed: PHI goes only where configured.
 */
export const httpReferrerNoticeDelivery = (options: HttpDeliveryOptions): ReferrerNoticeDelivery => ({
  deliver: async (communication, idempotencyKey) => {
    try {
      const response = await fetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/fhir+json',
          accept: 'application/fhir+json',
          'idempotency-key': idempotencyKey,
          ...(options.bearerToken === undefined ? {} : { authorization: `Bearer ${options.bearerToken}` }),
        },
        body: JSON.stringify(communication),
        redirect: 'error',
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      // Read to the end (within the deadline) so the connection is reused; the body itself is never kept.
      await response.arrayBuffer();
      if (response.ok) return { outcome: 'delivered', statusCode: response.status };
      return { outcome: 'failed', retryable: retryableStatus(response.status), error: 'HttpStatus', statusCode: response.status };
    } catch (error) {
      return { outcome: 'failed', retryable: true, error: failureName(error) };
    }
  },
});
