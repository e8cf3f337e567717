import { Inject, Injectable } from '@nestjs/common';
import type { Sql } from 'postgres';
import { Counter, Gauge } from 'prom-client';
import { AppStatus, SQL } from '@careflow/platform';
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

/** Where the relay's metrics and /health find its live state (set once the relay started). */
@Injectable()
export class RelayState {
  status: () => RelayStatus = () => ({ leader: false, kafka: 'connecting' });
}

/**
 * The relay's Prometheus metrics, in the app's registry (served on /metrics by the platform's
 * serveHealth), and its part of /health; the outbox lag is read from the database at each scrape.
 */
@Injectable()
export class RelayMetrics {
  readonly published: Counter;

  constructor(
    @Inject(SQL) private readonly sql: Sql,
    private readonly state: RelayState,
    appStatus: AppStatus,
  ) {
    const { registry } = appStatus;
    this.published = new Counter({
      name: 'careflow_relay_published_events_total',
      help: 'Outbox rows acknowledged by Kafka',
      registers: [registry],
    });
    // /health: the platform's dependency report with `relay: { leader, kafka, outbox }`.
    appStatus.report('relay', async () => {
      const outbox = await this.lag();
      return { ...this.state.status(), ...(outbox && { outbox }) };
    });
    const lag = () => this.lag();
    const status = () => this.state.status();
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
  }

  /** Undefined while the database does not answer (the health report says so). */
  lag(): Promise<OutboxLag | undefined> {
    return readOutboxLag(this.sql).catch(() => undefined);
  }
}
