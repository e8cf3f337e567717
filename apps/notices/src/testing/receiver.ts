/**
 * Test code only: a referrer's endpoint, a real node HTTP server on loopback, that records every
 * request and answers as the test scripts it (per notice, by the Communication's identifier).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Communication } from 'fhir/r4';
import { noticeIdentifierSystem } from '../communication';

export interface ReceivedRequest {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly communication: Communication;
  /** The status this receiver answered with. */
  readonly status: number;
}

export interface Receiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Requests for one notice, in arrival order. */
  requestsFor(noticeId: string): ReceivedRequest[];
  /** Answers for one notice: the n-th request (from 0) gets `statuses[n]`, later ones the last; 200 when unscripted. */
  script(noticeId: string, statuses: readonly number[]): void;
  /** Stops listening and drops open connections: the endpoint is down. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

const noticeIdOf = (communication: Communication): string =>
  communication.identifier?.find((identifier) => identifier.system === noticeIdentifierSystem)?.value ?? '';

export const startReceiver = async (): Promise<Receiver> => {
  const requests: ReceivedRequest[] = [];
  const scripts = new Map<string, readonly number[]>();
  let server: Server | undefined;
  let port = 0;

  const listen = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const next = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const communication = JSON.parse(body) as Communication;
          const noticeId = noticeIdOf(communication);
          const earlier = requests.filter((r) => noticeIdOf(r.communication) === noticeId).length;
          const statuses = scripts.get(noticeId) ?? [200];
          const status = statuses[Math.min(earlier, statuses.length - 1)] ?? 200;
          requests.push({ method: request.method ?? '', headers: request.headers, body, communication, status });
          response.writeHead(status, { 'content-type': 'application/fhir+json' });
          response.end(status < 300 ? body : '{"resourceType":"OperationOutcome","issue":[]}');
        });
      });
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        port = (next.address() as AddressInfo).port;
        server = next;
        resolve();
      });
    });

  await listen();
  return {
    url: `http://127.0.0.1:${port}/fhir/Communication`,
    requests,
    requestsFor: (noticeId) => requests.filter((request) => noticeIdOf(request.communication) === noticeId),
    script: (noticeId, statuses) => scripts.set(noticeId, statuses),
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
