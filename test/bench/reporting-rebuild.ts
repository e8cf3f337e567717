/**
 * The reporting rebuild's throughput from the event store (part of `npm run bench -- pipeline`):
 * `rebuildReadModels` over a store of whole decided episodes, against the bare gap-safe read of the
 * same log in the same batches (what no rebuild can beat), in a private database.
 */
import { performance } from 'node:perf_hooks';
import { createEventStore, logPositionOf, startOfLog } from '@careflow/event-store';
import { createIntegrationEvents } from '@careflow/messaging';
import { rebuildReadModels } from '@careflow/reporting/src/rebuild';
import { decidedEpisode } from '../support/relay-rig';
import { appendEpisode, facility, keyring, openReportingDatabase } from '../support/reporting-rig';
import { round, type BenchContext, type BenchRow } from './bench';

const episodes = 600; // 18 events each: 10,800 events
const batchSize = 1000;

export const reportingRebuildRow = async (log: BenchContext['log']): Promise<BenchRow> => {
  const database = await openReportingDatabase(`careflow_bench_reporting_${Date.now().toString(36)}`);
  try {
    let next = 0;
    let total = 0;
    const appender = async (): Promise<void> => {
      while (next < episodes) {
        next += 1;
        const events = decidedEpisode(`mrn-bench-${next}`);
        await appendEpisode(database, `episode-bench-${next}`, events);
        total += events.length;
      }
    };
    await Promise.all(Array.from({ length: 8 }, appender));
    log(`reporting rebuild: store filled with ${total} events`);

    const store = createEventStore({ sql: database.relaySql, outboxTopic: 'careflow.episode-events.v1' });
    const readStart = performance.now();
    let read = 0;
    // The read is gap-safe: another suite's open transaction anywhere in the cluster holds it back a while.
    for (let position = startOfLog; read < total;) {
      const batch = await store.readAll(position, batchSize);
      const last = batch.at(-1);
      if (last === undefined) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        continue;
      }
      read += batch.length;
      position = logPositionOf(last);
    }
    const readPerSecond = (read / (performance.now() - readStart)) * 1000;

    const rebuildStart = performance.now();
    const progress = await rebuildReadModels({
      source: database.relaySql,
      target: database.reportingSql,
      integrationEvents: createIntegrationEvents(database.relaySql, keyring, facility),
      batchSize,
    });
    const rebuildPerSecond = (progress.read / (performance.now() - rebuildStart)) * 1000;
    log(`reporting rebuild: ${progress.folded} events at ${round(rebuildPerSecond, 0)}/s; bare read ${round(readPerSecond, 0)}/s`);
    return {
      metric: 'reporting rebuild from the event store (events/s)',
      ours: round(rebuildPerSecond, 0),
      peer: round(readPerSecond, 0),
      peerName: 'gap-safe read of the same log in the same batches',
      ratio: round(rebuildPerSecond / readPerSecond, 3),
      target: null,
    };
  } finally {
    await database.close();
  }
};
