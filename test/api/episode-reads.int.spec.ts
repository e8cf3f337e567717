/**
 * The read routes over a live episode, end to end by HTTP (the API in-process, the Temporal dev server
 * with a real care-episode worker, PostgreSQL): while the episode runs, its state and due dates come from
 * the workflow and the timeline explains the routing; once cancelled, the state is folded from the
 * event store, and asOf still answers the moment before.
 */
import { randomUUID } from 'node:crypto';
import { pollUntil } from '@careflow/event-store/testing';
import { type ApiHarness, call, startApiHarness } from '../support/api-harness';
import { referral } from '../support/episode-harness';

const yesterday = (): string => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

describe('episode reads of a live episode', () => {
  let api: ApiHarness;
  const department = `D-${randomUUID().slice(0, 8)}`;
  const therapistId = `t-${randomUUID().slice(0, 8)}`;
  let therapist: string;
  let lead: string;
  let episodeId: string;

  beforeAll(async () => {
    api = await startApiHarness();
    const admin = await api.token({ userId: 'u-admin', role: 'admin', departments: [] });
    therapist = await api.token({ userId: `user-${therapistId}`, role: 'therapist', departments: [department] });
    lead = await api.token({ userId: 'u-lead', role: 'department-lead', departments: [department] });
    const stored = await call(api, 'PUT', `/therapists/${therapistId}`, {
      token: admin,
      body: {
        departmentId: department,
        active: true,
        providerType: 'licensed-massage-therapist',
        profile: {
          licenses: [{ state: 'MD', number: `L-${randomUUID().slice(0, 6)}`, expiresOn: '2099-12-31' }],
          boardCertifications: ['NCBTMB'],
          specialtyCertificates: [],
          availability: 1,
        },
      },
    });
    expect(stored.status).toBe(200);
    const created = await call(api, 'POST', '/referrals', {
      token: lead,
      body: { departmentId: department, referral: referral(yesterday()) },
    });
    expect(created.status).toBe(201);
    episodeId = created.body.episodeId;
  });
  afterAll(async () => {
    await api?.close();
  });

  it('answers a running episode from its workflow, with the open offer as a due date', async () => {
    const answer = await pollUntil(
      () => call(api, 'GET', `/episodes/${episodeId}`, { token: therapist }),
      (reply) => reply.status === 200 && (reply.body.dueDates as Array<{ kind: string }>).some((due) => due.kind === 'offer-expiry'),
      { what: 'the offer among the due dates' },
    );
    expect(answer.body).toMatchObject({ episodeId, source: 'workflow' });
    expect(answer.body.dueDates).toContainEqual(expect.objectContaining({ kind: 'offer-expiry', therapistId }));
  });

  it('explains the routing on the timeline', async () => {
    const timeline = await call(api, 'GET', `/episodes/${episodeId}/timeline`, { token: lead });
    expect(timeline.status).toBe(200);
    const routed = (timeline.body.entries as Array<{ type: string; summary: string; details: string[] }>).find(
      (entry) => entry.type === 'ReferralRouted',
    );
    expect(routed?.summary).toBe('Referral routed: 1 eligible therapist(s), 0 excluded.');
    expect(routed?.details).toContainEqual(expect.stringMatching(new RegExp(`^candidate ${therapistId}: score \\d+`)));
  });

  it('folds a closed episode from the event store; asOf answers the moment before it closed', async () => {
    const accepted = await pollUntil(
      () => call(api, 'POST', `/episodes/${episodeId}/accept-offer`, { token: therapist, body: { therapistId } }),
      (reply) => reply.status !== 422,
      { what: 'the offer to accept' },
    );
    expect(accepted.status).toBe(200);
    const beforeCancel = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const cancelled = await call(api, 'POST', `/episodes/${episodeId}/cancel`, { token: lead, body: { reason: 'patient moved away' } });
    expect(cancelled.status).toBe(200);

    const closed = await call(api, 'GET', `/episodes/${episodeId}`, { token: therapist });
    expect(closed.body).toMatchObject({ status: 'cancelled', source: 'event-store', dueDates: [] });
    const before = await call(api, 'GET', `/episodes/${episodeId}?asOf=${encodeURIComponent(beforeCancel)}`, { token: therapist });
    expect(before.body).toMatchObject({ status: 'active', source: 'event-store', asOf: beforeCancel });
  });
});
