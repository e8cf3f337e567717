import { Controller, Get, Header, HttpStatus, Inject, Injectable, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Sql } from 'postgres';
import { Counter, Gauge, Registry } from 'prom-client';
import { DependencyHealth, type HealthReport, SQL } from '@careflow/platform';
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

/** Where the relay's controllers find its live state (set once the relay started). */
@Injectable()
export class RelayState {
  status: () => RelayStatus = () => ({ leader: false, kafka: 'connecting' });
}

/** The relay's Prometheus metrics; the outbox lag is read from the database at each scrape. */
@Injectable()
export class RelayMetrics {
  readonly registry = new Registry();
  readonly published = new Counter({
    name: 'careflow_relay_published_events_total',
    help: 'Outbox rows acknowledged by Kafka',
    registers: [this.registry],
  });

  constructor(
    @Inject(SQL) private readonly sql: Sql,
    private readonly state: RelayState,
  ) {
    const lag = () => this.lag();
    const status = () => this.state.status();
    new Gauge({
      name: 'careflow_relay_outbox_depth',
      help: 'Outbox rows not yet published to Kafka',
      registers: [this.registry],
      async collect() {
        const value = await lag();
        if (value) this.set(value.depth);
      },
    });
    new Gauge({
      name: 'careflow_relay_outbox_oldest_age_seconds',
      help: 'Age of the oldest outbox row not yet published (0 when empty)',
      registers: [this.registry],
      async collect() {
        const value = await lag();
        if (value) this.set(value.oldestAgeSeconds);
      },
    });
    new Gauge({
      name: 'careflow_relay_leader',
      help: '1 while this relay holds the publishing lock',
      registers: [this.registry],
      collect() {
        this.set(status().leader ? 1 : 0);
      },
    });
    new Gauge({
      name: 'careflow_relay_kafka_connected',
      help: '1 while the last publish attempt was acknowledged',
      registers: [this.registry],
      collect() {
        this.set(status().kafka === 'connected' ? 1 : 0);
      },
    });
  }

  /** Undefined while the database does not answer (the health report says so). */
  lag(): Promise<OutboxLag | undefined> {
    return readOutboxLag(this.sql).catch(() => undefined);
  }
}

@Controller()
export class RelayHttpController {
  constructor(
    private readonly health: DependencyHealth,
    private readonly metrics: RelayMetrics,
    private readonly state: RelayState,
  ) {}

  /** 200 when PostgreSQL and Kafka answer, 503 otherwise; with leadership, the Kafka link and the outbox lag. */
  @Get('health')
  async check(@Res({ passthrough: true }) response: Response): Promise<HealthReport & { relay: RelayStatus & { outbox?: OutboxLag } }> {
    const [report, outbox] = await Promise.all([this.health.check(), this.metrics.lag()]);
    response.status(report.status === 'up' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { ...report, relay: { ...this.state.status(), ...(outbox && { outbox }) } };
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
