/**
 * `npm start`'s demo (infra/local/run-local runs it once the apps are healthy; docs/demo.md): seeds a
 * department through the public API, drives its episodes with a progress bar, waits for billing and
 * reporting, and prints the closing summary. Reads AUTH_JWT_SECRET, PAYLOAD_KEYS, TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, API_PORT and TEMPORAL_UI_URL as run-local exports them.
 */
import { randomBytes } from 'node:crypto';
import { SingleBar } from 'cli-progress';
import { Client, Connection } from '@temporalio/client';
import { careEpisodeWorkflowId, clearanceReceivedSignal } from '@careflow/contracts';
import { createDataConverter, keyringFromEnv } from '@careflow/temporal';
import { demoApi } from './api-client';
import { runDemo } from './driver';
import { readDemoModels } from './read-models';
import { formatDemoSummary } from './summary';

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (infra/local/run-local sets it)`);
  return value;
};

const main = async (): Promise<void> => {
  const apiUrl = `http://127.0.0.1:${process.env['API_PORT'] ?? '3000'}`;
  const secret = required('AUTH_JWT_SECRET');
  const namespace = process.env['TEMPORAL_NAMESPACE'] ?? 'default';
  const connection = await Connection.connect({ address: required('TEMPORAL_ADDRESS') });
  // The EHR interface engine's door: the clearance Signal, encrypted like every payload.
  const temporal = new Client({
    connection,
    namespace,
    dataConverter: createDataConverter(keyringFromEnv(required('PAYLOAD_KEYS')), namespace),
  });
  const stamp = new Date().toISOString().slice(5, 10).replace('-', '');
  const suffix = randomBytes(2).toString('hex');
  const departmentId = `demo-${stamp}-${suffix}`;
  const api = demoApi(apiUrl, secret);
  const bar = new SingleBar({ format: 'careflow demo [{bar}] {value}/{total} {what}', hideCursor: true, clearOnComplete: false });
  bar.start(1, 0, { what: 'department settings' });
  try {
    const run = await runDemo({
      api,
      departmentId,
      runId: departmentId,
      sendEhrClearance: (episodeId, clearance) =>
        temporal.workflow.getHandle(careEpisodeWorkflowId(episodeId)).signal(clearanceReceivedSignal, clearance),
      onStep: (done, total, what) => {
        bar.setTotal(total);
        bar.update(done, { what });
      },
    });
    bar.update({ what: 'waiting for billing and reporting to catch up' });
    const models = await readDemoModels(api, run);
    bar.stop();
    const token = await api.token(run.callers.lead);
    const temporalUi = process.env['TEMPORAL_UI_URL'] ?? 'the UI of the Temporal server';
    process.stdout.write(`\n${formatDemoSummary(run, models, { apiUrl, temporalUi, token })}\n`);
  } finally {
    bar.stop();
    await connection.close();
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`\ncareflow demo: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
