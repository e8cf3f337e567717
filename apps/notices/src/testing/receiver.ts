/**
 * Test code only: a referrer's endpoint, a real node HTTP (or, given a key and certificate, HTTPS)
 * server on loopback, that records every request and answers as the test scripts it (per notice, by
 * the Communication's identifier).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Communication } from 'fhir/r4';
import { noticeIdentifierSystem } from '../communication';

export type Answer = number | 'hang';

export interface ReceivedRequest {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly communication: Communication;
  /** What this receiver answered. */
  readonly status: Answer;
}

export interface Receiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Requests for one notice, in arrival order. */
  requestsFor(noticeId: string): ReceivedRequest[];
  /** Answers for one notice: the n-th request (from 0) gets `answers[n]`, later ones the last; 200 when unscripted; `hang` never answers. */
  script(noticeId: string, answers: readonly Answer[]): void;
  /** Stops listening and drops open connections: the endpoint is down. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

const noticeIdOf = (communication: Communication): string =>
  communication.identifier?.find((identifier) => identifier.system === noticeIdentifierSystem)?.value ?? '';

export const startReceiver = async (tls?: { readonly key: string; readonly cert: string }): Promise<Receiver> => {
  const requests: ReceivedRequest[] = [];
  const scripts = new Map<string, readonly Answer[]>();
  let server: Server | undefined;
  let port = 0;

  const listen = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const handle = (request: IncomingMessage, response: ServerResponse): void => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const communication = JSON.parse(body) as Communication;
          const noticeId = noticeIdOf(communication);
          const earlier = requests.filter((r) => noticeIdOf(r.communication) === noticeId).length;
          const answers = scripts.get(noticeId) ?? [200];
          const status = answers[Math.min(earlier, answers.length - 1)] ?? 200;
          requests.push({ method: request.method ?? '', headers: request.headers, body, communication, status });
          if (status === 'hang') return;
          response.writeHead(status, { 'content-type': 'application/fhir+json' });
          response.end(status < 300 ? body : '{"resourceType":"OperationOutcome","issue":[]}');
        });
      };
      const next: Server = tls ? createTlsServer(tls, handle) : createServer(handle);
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        port = (next.address() as AddressInfo).port;
        server = next;
        resolve();
      });
    });

  await listen();
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/fhir/Communication`,
    requests,
    requestsFor: (noticeId) => requests.filter((request) => noticeIdOf(request.communication) === noticeId),
    script: (noticeId, answers) => scripts.set(noticeId, answers),
    stop: () =>
      new Promise((resolve) => {
        const current = server;
        server = undefined;
        if (!current) return resolve();
        current.close(() => resolve());
        current.closeAllConnections();
      }),
    start: listen,
  };
};
