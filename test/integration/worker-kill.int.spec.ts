import postgres from 'postgres';
import { Client, Connection } from '@temporalio/client';
import { recordSteps } from '../fixtures/workflows';
import { pollUntil } from '@careflow/event-store/testing';
import { requireEnv, uniqueSuffix } from '../support/env';
import { killHard, startTypeScriptProcess, waitForExit, waitForOutput } from '../support/processes';

describe('Temporal dev server with a worker that is killed mid-run', () => {
  const sql = postgres(requireEnv('MIGRATION_DATABASE_URL'), { max: 2, onnotice: () => undefined });
  const table = `probe_steps_${uniqueSuffix()}`;
  let connection: Connection;

  beforeAll(async () => {
    await sql`create table ${sql(table)} (run_id text not null, step int not null, primary key (run_id, step))`;
    connection = await Connection.connect({ address: requireEnv('TEMPORAL_ADDRESS') });
  });

  afterAll(async () => {
    await sql`drop table if exists ${sql(table)}`;
    await sql.end();
    await connection?.close();
  });

  it('completes every step after SIGKILL and restart of the worker', async () => {
    const taskQueue = `worker-kill-${uniqueSuffix()}`;
    const runId = uniqueSuffix();
    const steps = 20;
    const startWorker = () => startTypeScriptProcess('test/fixtures/probe-worker.ts', [taskQueue, table]);

    const first = startWorker();
    try {
      await waitForOutput(first, /ready/);
      const client = new Client({ connection });
      const handle = await client.workflow.start(recordSteps, {
        taskQueue,
        workflowId: `record-steps-${runId}`,
        args: [runId, steps],
      });
      // Kill once a few steps are durable, so the run is genuinely in the middle.
      await pollUntil(
        () => countSteps(runId),
        (count) => count >= 3,
        { what: 'three steps are recorded', timeoutMs: 30_000 },
      );
      expect(await killHard(first)).toBe(true);
      const stepsAtKill = await countSteps(runId);
      expect(stepsAtKill).toBeLessThan(steps);

      const second = startWorker();
      try {
        await waitForOutput(second, /ready/);
        await expect(handle.result()).resolves.toBe(steps);
      } finally {
        second.kill('SIGTERM');
        await waitForExit(second);
      }
      const rows = await sql<{ step: number }[]>`select step from ${sql(table)} where run_id = ${runId} order by step`;
      expect(rows.map((r) => r.step)).toEqual(Array.from({ length: steps }, (_, i) => i + 1));
    } finally {
      await killHard(first);
    }
  });

  const countSteps = async (runId: string): Promise<number> => {
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from ${sql(table)} where run_id = ${runId}`;
    return row?.n ?? 0;
  };
});
