import { Inject, Injectable, type OnApplicationShutdown, Optional } from '@nestjs/common';
import type { Sql } from 'postgres';
import type { Connection } from '@temporalio/client';
import type { Admin, Kafka } from 'kafkajs';
import { type DependencyStatus, probeDependency } from '@careflow/config';
import { probeKafka } from '@careflow/messaging';
import { KAFKA, SQL, TEMPORAL_CONNECTION } from './tokens';

export type DependencyName = 'postgres' | 'temporal' | 'kafka';

export interface HealthReport {
  readonly status: 'up' | 'down';
  readonly dependencies: Partial<Record<DependencyName, DependencyStatus>>;
}

/** Probes each configured server once per call, concurrently, each with its own deadline. */
@Injectable()
export class DependencyHealth implements OnApplicationShutdown {
  private kafkaAdmin: Admin | undefined;

  constructor(
    @Optional() @Inject(SQL) private readonly sql?: Sql,
    @Optional() @Inject(TEMPORAL_CONNECTION) private readonly temporal?: Connection,
    @Optional() @Inject(KAFKA) private readonly kafka?: Kafka,
  ) {}

  async check(): Promise<HealthReport> {
    const probes: Array<[DependencyName, Promise<DependencyStatus>]> = [];
    const { sql, temporal } = this;
    if (sql) probes.push(['postgres', probeDependency(() => sql`select 1`.execute())]);
    if (temporal) probes.push(['temporal', probeDependency(() => temporal.workflowService.getSystemInfo({}))]);
    if (this.kafka) probes.push(['kafka', probeDependency(() => this.probeKafka())]);
    const results = await Promise.all(probes.map(async ([name, status]) => [name, await status] as const));
    const dependencies = Object.fromEntries(results) as HealthReport['dependencies'];
    const status = results.every(([, result]) => result.status === 'up') ? 'up' : 'down';
    return { status, dependencies };
  }

  private async probeKafka(): Promise<void> {
    if (!this.kafka) return;
    if (!this.kafkaAdmin) {
      const admin = this.kafka.admin({ retry: { retries: 0 } });
      await admin.connect();
      this.kafkaAdmin = admin;
    }
    try {
      await probeKafka(this.kafkaAdmin);
    } catch (error) {
      // A broken admin connection is rebuilt on the next probe rather than reused.
      const admin = this.kafkaAdmin;
      this.kafkaAdmin = undefined;
      await admin.disconnect().catch(() => undefined);
      throw error;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.kafkaAdmin?.disconnect();
  }
}
