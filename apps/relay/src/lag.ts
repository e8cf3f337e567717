import { createServer, type Server } from 'node:http';
import type { Sql } from 'postgres';
import { Counter, Gauge, Registry } from 'prom-client';
import type { HealthReport } from '@careflow/platform';
import type { KafkaLinkState } from './relay';

export interface OutboxLag {
  /** Rows waiting to be published. */
  readonly depth: number;
  /** Seconds since the oldest waiting event was recorded; 0 when none waits. */
  readonly oldestAgeSeconds: number;
}

export const readOutboxLag = async (sql: Sql): Promise<OutboxLag> => {
  const [row] = await sql<{ depth: number; age: number | null }[]>`
    SELECT count(*)::int AS depth,
           EXTRACT(EPOCH FROM now() - min((e.metadata->>'recordedAt')::timestamptz))::float8 AS age
    FROM outbox o JOIN events e ON e.global_position = o.global_position`;
  return { depth: row?.depth ?? 0, oldestAgeSeconds: Math.max(0, row?.age ?? 0) };
};

export interface RelayStatus {
  readonly leader: boolean;
  readonly kafka: KafkaLinkState;
}

/** The relay's Prometheus metrics; the outbox lag is read from the database at each scrape. */
export const relayMetrics = (sql: Sql, status: () => RelayStatus) => {
  const registry = new Registry();
  const lag = async (): Promise<OutboxLag | undefined> => readOutboxLag(sql).catch(() => undefined);
  new Gauge({
    name: 'careflow_relay_outbox_depth',
    help: 'Outbox rows not yet published to Kafka',
    registers: [registry],
    async collect() {
      const value = await lag();
      if (value) this.set(value.depth);
    },
  });
  new Gauge({
    name: 'careflow_relay_outbox_oldest_age_seconds',
    help: 'Age of the oldest outbox row not yet published (0 when empty)',
    registers: [registry],
    async collect() {
      const value = await lag();
      if (value) this.set(value.oldestAgeSeconds);
    },
  });
  new Gauge({
    name: 'careflow_relay_leader',
    help: '1 while this relay holds the publishing lock',
    registers: [registry],
    collect() {
      this.set(status().leader ? 1 : 0);
    },
  });
  new Gauge({
    name: 'careflow_relay_kafka_connected',
    help: '1 while the last publish attempt was acknowledged',
    registers: [registry],
    collect() {
      this.set(status().kafka === 'connected' ? 1 : 0);
    },
  });
  const published = new Counter({ name: 'careflow_relay_published_events_total', help: 'Outbox rows acknowledged by Kafka', registers: [registry] });
  return { registry, published, lag };
};

/** GET /health (dependencies, leadership, Kafka link, outbox lag) and GET /metrics (Prometheus). */
export const serveRelayHttp = (
  port: number,
  metrics: ReturnType<typeof relayMetrics>,
  health: () => Promise<HealthReport>,
  status: () => RelayStatus,
): Promise<Server> => {
  const server = createServer((request, response) => {
    const answer = async (): Promise<void> => {
      if (request.method === 'GET' && request.url === '/metrics') {
        const body = await metrics.registry.metrics();
        response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body);
      } else if (request.method === 'GET' && request.url === '/health') {
        const [report, outbox] = await Promise.all([health(), metrics.lag()]);
        const body = { ...report, relay: { ...status(), ...(outbox && { outbox }) } };
        response.writeHead(report.status === 'up' ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      } else {
        response.writeHead(404).end();
      }
    };
    answer().catch(() => response.writeHead(500).end());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
};
