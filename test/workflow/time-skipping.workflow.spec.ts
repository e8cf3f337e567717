import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { sleepNinetyDays } from '../fixtures/workflows';
import { requireEnv, uniqueSuffix } from '../support/env';

describe('Temporal time-skipping test server', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: requireEnv('TEMPORAL_TEST_SERVER_PATH') } },
    });
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('runs a workflow that sleeps 90 days to completion', async () => {
    const taskQueue = `time-skipping-${uniqueSuffix()}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../fixtures/workflows'),
    });
    const before = await env.currentTimeMs();
    const result = await worker.runUntil(
      env.client.workflow.execute(sleepNinetyDays, { taskQueue, workflowId: `sleeper-${uniqueSuffix()}` }),
    );
    const skippedDays = ((await env.currentTimeMs()) - before) / 86_400_000;
    expect(result).toBe('awake');
    expect(skippedDays).toBeGreaterThanOrEqual(90);
  });
});
