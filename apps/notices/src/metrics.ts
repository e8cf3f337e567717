import type { Sql } from 'postgres';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { DeliveryOutcome } from './dispatcher';

export interface NoticeMetrics {
  readonly deliveries: Counter<'outcome'>;
}

/** Delivery outcomes as they happen; the notices waiting and dead-lettered read from the delivery log at each scrape. */
export const noticeMetrics = (registry: Registry, sql: Sql): NoticeMetrics => {
  const states = async () => {
    const [row] = await sql<{ pending: number; dead_lettered: number; oldest_pending_seconds: number | null }[]>`
      SELECT count(*) FILTER (WHERE state = 'pending')::int AS pending,
             count(*) FILTER (WHERE state = 'dead-lettered')::int AS dead_lettered,
             EXTRACT(EPOCH FROM now() - min(recorded_at) FILTER (WHERE state = 'pending'))::float8 AS oldest_pending_seconds
        FROM referrer_notices WHERE state <> 'delivered'`;
    return row;
  };
  new Gauge({
    name: 'careflow_notices_pending',
    help: 'Referrer notices not yet delivered (waiting or retrying)',
    registers: [registry],
    async collect() {
      this.set((await states())?.pending ?? 0);
    },
  });
  new Gauge({
    name: 'careflow_notices_oldest_pending_age_seconds',
    help: 'Age of the oldest referrer notice not yet delivered (0 when none)',
    registers: [registry],
    async collect() {
      this.set(Math.max(0, (await states())?.oldest_pending_seconds ?? 0));
    },
  });
  new Gauge({
    name: 'careflow_notices_dead_lettered',
    help: 'Referrer notices dead-lettered and not re-delivered (alert above 0)',
    registers: [registry],
    async collect() {
      this.set((await states())?.dead_lettered ?? 0);
    },
  });
  const deliveries = new Counter({
    name: 'careflow_notices_delivery_attempts_total',
    help: 'Referrer notice delivery attempts, by outcome: delivered, retry, dead-lettered',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  // Every outcome shows from the start, at 0, so a rate over it is defined before the first failure.
  for (const outcome of ['delivered', 'retry', 'dead-lettered'] as const satisfies readonly DeliveryOutcome[])
    deliveries.inc({ outcome }, 0);
  return { deliveries };
};
