/**
 * The delivery port: how a notice reaches the referring provider. The first adapter POSTs the
 * Communication to a configured endpoint; another (Direct messaging, an interface engine's queue)
 * would implement the same port. docs/notices.md says what each outcome means.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
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
  /** PEM certificates to trust for the endpoint besides the system's (a hospital's private CA). */
  readonly ca?: string;
}

/** Statuses that say "later": timeouts, throttling, the receiver's own failures. Any other (a 4xx, a redirect) is a request it will never take. */
const retryableStatus = (status: number): boolean => status === 408 || status === 425 || status === 429 || status >= 500;

const errorNamePattern = /^[A-Za-z0-9_.-]{1,100}$/;

/** The system's code (ECONNREFUSED, ECONNRESET, a TLS code such as DEPTH_ZERO_SELF_SIGNED_CERT) or the error's name. */
const failureName = (error: unknown, signal: AbortSignal): string => {
  if (signal.aborted) return 'TimeoutError';
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  const found = typeof code === 'string' ? code : name;
  return typeof found === 'string' && errorNamePattern.test(found) ? found : 'Error';
};

/**
 * POSTs the Communication as application/fhir+json, with the notice id as `Idempotency-Key` (and
 * as the Communication's identifier). Redirects are not followed: PHI goes only where configured.
 * The response body is read and dropped, never kept: it may echo the PHI.
 */
export const httpReferrerNoticeDelivery = (options: HttpDeliveryOptions): ReferrerNoticeDelivery => {
  const url = new URL(options.url);
  const tls = url.protocol === 'https:';
  return {
    deliver: (communication, idempotencyKey) =>
      new Promise((resolve) => {
        const body = Buffer.from(JSON.stringify(communication), 'utf8');
        // One deadline for the whole attempt: connecting, sending, and reading the response to its end.
        const signal = AbortSignal.timeout(options.timeoutMs);
        const failed = (error: unknown): void => resolve({ outcome: 'failed', retryable: true, error: failureName(error, signal) });
        const request = (tls ? httpsRequest : httpRequest)(
          url,
          {
            method: 'POST',
            headers: {
              'content-type': 'application/fhir+json',
              accept: 'application/fhir+json',
              'content-length': body.length,
              'idempotency-key': idempotencyKey,
              ...(options.bearerToken === undefined ? {} : { authorization: `Bearer ${options.bearerToken}` }),
            },
            signal,
            ...(tls && options.ca !== undefined ? { ca: options.ca } : {}),
          },
          (response) => {
            const status = response.statusCode ?? 0;
            response.on('error', failed);
            // A response cut off (the deadline, a reset) ends without 'end'.
            response.on('close', () => {
              if (!response.complete) failed(response.errored ?? new Error('response cut off'));
            });
            response.on('end', () =>
              resolve(
                status >= 200 && status < 300
                  ? { outcome: 'delivered', statusCode: status }
                  : { outcome: 'failed', retryable: retryableStatus(status), error: 'HttpStatus', statusCode: status },
              ),
            );
            response.resume();
          },
        );
        request.on('error', failed);
        request.end(body);
      }),
  };
};
