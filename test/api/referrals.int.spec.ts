import { randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { careEpisodeWorkflowId } from '@careflow/contracts';
import { pollUntil } from '@careflow/event-store/testing';
import { defaultDepartmentSettings } from '@careflow/domain';
import { createDataConverter, episodeIdForReferral, keyringFromEnv, startCareEpisode } from '@careflow/temporal';
import { type ApiHarness, call, startApiHarness } from '../support/api-harness';
import { referral } from '../support/episode-harness';
import { requireEnv } from '../support/env';

const yesterday = (): string => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

describe('POST /referrals', () => {
  let api: ApiHarness;
  let temporal: Client;
  let connection: Connection;
  const department = `D-${randomUUID().slice(0, 8)}`;
  let scheduler: string;

  beforeAll(async () => {
    api = await startApiHarness();
    connection = await Connection.connect({ address: requireEnv('TEMPORAL_ADDRESS') });
    temporal = new Client({
      connection,
      dataConverter: createDataConverter(keyringFromEnv(api.config.PAYLOAD_KEYS), api.config.TEMPORAL_NAMESPACE),
    });
    scheduler = await api.token({ userId: 'u-scheduler', role: 'scheduler', departments: [department] });
  });
  afterAll(async () => {
    await connection?.close();
    await api?.close();
  });

  const workflowExists = async (episodeId: string): Promise<boolean> => {
    try {
      await temporal.workflow.getHandle(careEpisodeWorkflowId(episodeId)).describe();
      return true;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  };

  it('given a new referral, then 201 and its episode; the same again, 200 and the same episode; other content, 409 naming the fields', async () => {
    const order = referral(yesterday());
    const created = await call(api, 'POST', '/referrals', { token: scheduler, body: { departmentId: department, referral: order } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ episodeId: episodeIdForReferral(department, order.referralId), status: expect.any(String) });
    expect(await workflowExists(created.body.episodeId)).toBe(true);

    const again = await call(api, 'POST', '/referrals', { token: scheduler, body: { departmentId: department, referral: order } });
    expect(again.status).toBe(200);
    expect(again.body.episodeId).toBe(created.body.episodeId);

    const changedName = 'Canary Changedname';
    const changed = await call(api, 'POST', '/referrals', {
      token: scheduler,
      body: {
        departmentId: department,
        referral: { ...order, patient: { ...order.patient, name: changedName }, diagnosisCodes: ['M54.2'] },
      },
    });
    expect(changed.status).toBe(409);
    expect(changed.headers.get('content-type')).toContain('application/problem+json');
    expect(changed.body.conflictingFields).toEqual(['diagnosisCodes', 'patient.name']);
    expect(changed.text).not.toContain(changedName);
    expect(changed.text).not.toContain(order.patient.name);

    const rows =
      await api.owner`SELECT count(*)::int AS n FROM episodes WHERE department_id = ${department} AND referral_id = ${order.referralId}`;
    expect(rows[0]?.['n']).toBe(1);
  });

  it('given a referral with fields at fault, then 400 naming every one of them, and nothing is written', async () => {
    const order = referral(yesterday());
    const bad = { ...order, patient: { ...order.patient, birthDate: '1970-13-45' }, diagnosisCodes: [], unknownField: 1 };
    const answer = await call(api, 'POST', '/referrals', { token: scheduler, body: { departmentId: department, referral: bad } });
    expect(answer.status).toBe(400);
    const paths = (answer.body.errors as Array<{ path: string }>).map((error) => error.path).sort();
    expect(paths).toEqual(['referral.diagnosisCodes', 'referral.patient.birthDate', 'referral.unknownField']);
    expect(answer.text).not.toContain(order.patient.name);
    expect(answer.text).not.toContain(order.patient.mrn);

    const episodeId = episodeIdForReferral(department, order.referralId);
    expect(await workflowExists(episodeId)).toBe(false);
    const registered = await api.owner`SELECT 1 FROM episodes WHERE episode_id = ${episodeId}`;
    expect(registered).toHaveLength(0);
    const events = await api.owner`SELECT 1 FROM events WHERE stream_id = ${episodeId}`;
    expect(events).toHaveLength(0);
  });

  it("given a department not in the caller's token, then 404 like an unknown one; a role that may not refer, 403", async () => {
    const order = referral(yesterday());
    const elsewhere = await call(api, 'POST', '/referrals', { token: scheduler, body: { departmentId: 'D-other', referral: order } });
    expect(elsewhere.status).toBe(404);
    const therapist = await api.token({ userId: 'u-t', role: 'therapist', departments: [department] });
    const refused = await call(api, 'POST', '/referrals', { token: therapist, body: { departmentId: department, referral: order } });
    expect(refused.status).toBe(403);
    expect(await workflowExists(episodeIdForReferral('D-other', order.referralId))).toBe(false);
  });

  it('given two departments reusing a referral id, then two episodes', async () => {
    const other = `D-${randomUUID().slice(0, 8)}`;
    const both = await api.token({ userId: 'u-lead', role: 'department-lead', departments: [department, other] });
    const order = referral(yesterday());
    const first = await call(api, 'POST', '/referrals', { token: both, body: { departmentId: department, referral: order } });
    const second = await call(api, 'POST', '/referrals', { token: both, body: { departmentId: other, referral: order } });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(first.body.episodeId).not.toBe(second.body.episodeId);
    await pollUntil(() => workflowExists(second.body.episodeId), Boolean, { what: "the second department's episode" });
  });

  it('given a crash after the workflow started but before the registry row committed, then the resend registers the same episode, one run', async () => {
    const order = referral(yesterday());
    // What the crash leaves behind: the episode's workflow, no registry row.
    const { episodeId } = await startCareEpisode(temporal, {
      taskQueue: api.taskQueue,
      departmentId: department,
      settings: defaultDepartmentSettings,
      referral: {
        type: 'ReceiveReferral',
        at: new Date().toISOString(),
        actor: { userId: 'u-scheduler', role: 'scheduler' },
        referral: order,
      },
    });
    const resent = await call(api, 'POST', '/referrals', { token: scheduler, body: { departmentId: department, referral: order } });
    expect(resent.status).toBe(201);
    expect(resent.body.episodeId).toBe(episodeId);
    // Visibility is eventual: wait for the run to be listed, then there must be only the one.
    const runs = await pollUntil(
      async () => {
        const listed = [];
        for await (const run of temporal.workflow.list({ query: `WorkflowId = '${careEpisodeWorkflowId(episodeId)}'` })) listed.push(run);
        return listed;
      },
      (listed) => listed.length > 0,
      { what: "the episode's run listed" },
    );
    expect(runs).toHaveLength(1);
  });

  it('given the same referral after its episode closed, then 200 and the same closed episode, never a second one', async () => {
    const lead = await api.token({ userId: 'u-lead', role: 'department-lead', departments: [department] });
    const order = referral(yesterday());
    const created = await call(api, 'POST', '/referrals', { token: lead, body: { departmentId: department, referral: order } });
    const cancelled = await call(api, 'POST', `/episodes/${created.body.episodeId}/cancel`, {
      token: lead,
      body: { reason: 'duplicate order' },
    });
    expect(cancelled.status).toBe(200);
    await pollUntil(
      async () => (await temporal.workflow.getHandle(careEpisodeWorkflowId(created.body.episodeId)).describe()).status.name,
      (status) => status === 'COMPLETED',
      { what: 'the closed episode' },
    );
    const again = await call(api, 'POST', '/referrals', { token: lead, body: { departmentId: department, referral: order } });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ episodeId: created.body.episodeId, status: 'cancelled' });
    const late = await call(api, 'POST', `/episodes/${created.body.episodeId}/hold`, { token: lead, body: { reason: 'too late' } });
    expect(late.status).toBe(422);
    expect(late.body.code).toBe('EPISODE_CLOSED');

    // Past the namespace's retention the workflow is gone; the answer comes from the episode's events.
    await temporal.workflowService.deleteWorkflowExecution({
      namespace: api.config.TEMPORAL_NAMESPACE,
      workflowExecution: { workflowId: careEpisodeWorkflowId(created.body.episodeId) },
    });
    await pollUntil(
      () => workflowExists(created.body.episodeId),
      (exists) => !exists,
      // The server deletes in the background, once the execution's pending timer tasks have run: 10–20 s
      // on an idle dev server, more under load.
      { what: 'the closed workflow deleted', timeoutMs: 90_000 },
    );
    const afterRetention = await call(api, 'POST', '/referrals', { token: lead, body: { departmentId: department, referral: order } });
    expect(afterRetention.status).toBe(200);
    expect(afterRetention.body).toEqual({ episodeId: created.body.episodeId, status: 'cancelled' });
  });

  it('given an Idempotency-Key, then a retried POST gets the first answer, 201 included; the key with another referral, 422', async () => {
    const order = referral(yesterday());
    const key = `key-${randomUUID()}`;
    const send = (body: unknown) => call(api, 'POST', '/referrals', { token: scheduler, body, headers: { 'idempotency-key': key } });
    const first = await send({ departmentId: department, referral: order });
    const retry = await send({ departmentId: department, referral: order });
    expect([first.status, retry.status]).toEqual([201, 201]);
    expect(retry.body).toEqual(first.body);
    const other = await send({ departmentId: department, referral: referral(yesterday()) });
    expect(other.status).toBe(422);
    expect(other.body.type).toBe('urn:careflow:problem:idempotency-key-reused');
  });
});
