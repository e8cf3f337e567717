import { randomUUID } from 'node:crypto';
import { pollUntil } from '@careflow/event-store/testing';
import { type ApiHarness, call, startApiHarness } from '../support/api-harness';
import { referral } from '../support/episode-harness';

const yesterday = (): string => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

/** A therapist licensed in the fixtures' patient state for as long as any test runs. */
const therapistEntry = (departmentId: string) => ({
  departmentId,
  active: true,
  providerType: 'licensed-massage-therapist',
  profile: {
    licenses: [{ state: 'MD', number: `L-${randomUUID().slice(0, 6)}`, expiresOn: '2099-12-31' }],
    boardCertifications: ['NCBTMB'],
    specialtyCertificates: [],
    availability: 1,
  },
});

describe('POST /episodes/{id}/<command>', () => {
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
    const stored = await call(api, 'PUT', `/therapists/${therapistId}`, { token: admin, body: therapistEntry(department) });
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

  it('given the offered therapist accepts, then 200 and the new state; accepting again, 422 with the rule code', async () => {
    // Routing runs in the workflow after the referral: poll until the offer is there to accept.
    const accepted = await pollUntil(
      () => call(api, 'POST', `/episodes/${episodeId}/accept-offer`, { token: therapist, body: { therapistId } }),
      (answer) => answer.status !== 422,
      { what: 'the offer to accept' },
    );
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ episodeId, departmentId: department, state: { status: 'active', therapistId } });

    const again = await call(api, 'POST', `/episodes/${episodeId}/accept-offer`, { token: therapist, body: { therapistId } });
    expect(again.status).toBe(422);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect(again.body).toMatchObject({ status: 422, code: expect.stringMatching(/^[A-Z_]+$/), detail: expect.any(String) });
  });

  it('given a malformed body, then 400 naming every field; stamped fields sent by the client, 400', async () => {
    const malformed = await call(api, 'POST', `/episodes/${episodeId}/hold`, { token: therapist, body: { reason: '', extra: true } });
    expect(malformed.status).toBe(400);
    expect((malformed.body.errors as Array<{ path: string }>).map((error) => error.path).sort()).toEqual(['extra', 'reason']);
    const stamped = await call(api, 'POST', `/episodes/${episodeId}/hold`, {
      token: therapist,
      body: { reason: 'patient travelling', actor: { userId: 'someone-else', role: 'therapist' } },
    });
    expect(stamped.status).toBe(400);
    expect(stamped.body.errors).toEqual([{ path: 'actor', problem: 'is set by the server; leave it out' }]);
  });

  it('given an unknown episode, or one of another department, then 404 alike', async () => {
    const unknown = await call(api, 'POST', `/episodes/${randomUUID()}/hold`, { token: therapist, body: { reason: 'x' } });
    const elsewhere = await api.token({ userId: 'u-t2', role: 'therapist', departments: ['D-elsewhere'] });
    const other = await call(api, 'POST', `/episodes/${episodeId}/hold`, { token: elsewhere, body: { reason: 'x' } });
    expect([unknown.status, other.status]).toEqual([404, 404]);
    expect(other.body.detail).toBe(unknown.body.detail);
  });

  it('given If-Match with a stale version, then 409 and nothing applied', async () => {
    const stale = await call(api, 'POST', `/episodes/${episodeId}/hold`, {
      token: therapist,
      body: { reason: 'patient travelling' },
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.type).toBe('urn:careflow:problem:version-conflict');
  });

  it('given commands sent at once on the same If-Match version, then one is applied and the others are 409', async () => {
    const created = await call(api, 'POST', '/referrals', {
      token: lead,
      body: { departmentId: department, referral: referral(yesterday()) },
    });
    const fresh = String(created.body.episodeId);
    // Routing runs in the workflow after the referral: read the episode once its offer is out.
    const offered = await pollUntil(
      () => call(api, 'GET', `/episodes/${fresh}`, { token: lead }),
      (answer) => answer.status === 200 && JSON.stringify(answer.body.state).includes('"pending"'),
      { what: 'the offer to the therapist' },
    );
    const onVersion = `"${String(offered.body.version)}"`;
    // The first to run is applied; without the version check the others would reach the rule (422).
    const accept = () =>
      call(api, 'POST', `/episodes/${fresh}/accept-offer`, { token: therapist, body: { therapistId }, headers: { 'if-match': onVersion } });
    const answers = await Promise.all([accept(), accept(), accept()]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409, 409]);
    for (const refused of answers.filter((answer) => answer.status === 409)) {
      expect(refused.body.type).toBe('urn:careflow:problem:version-conflict');
    }
  });

  it('given an Idempotency-Key, then a retry gets the first answer and applies nothing; the key with another body, 422', async () => {
    const key = `key-${randomUUID()}`;
    const first = await call(api, 'POST', `/episodes/${episodeId}/hold`, {
      token: therapist,
      body: { reason: 'patient travelling' },
      headers: { 'idempotency-key': key },
    });
    expect(first.status).toBe(200);
    expect(first.body.state.status).toBe('onhold');
    const retry = await call(api, 'POST', `/episodes/${episodeId}/hold`, {
      token: therapist,
      body: { reason: 'patient travelling' },
      headers: { 'idempotency-key': key },
    });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    const events = await api.owner`SELECT count(*)::int AS n FROM events WHERE stream_id = ${episodeId} AND type = 'EpisodePutOnHold'`;
    expect(events[0]?.['n']).toBe(1);

    const reused = await call(api, 'POST', `/episodes/${episodeId}/hold`, {
      token: therapist,
      body: { reason: 'another reason' },
      headers: { 'idempotency-key': key },
    });
    expect(reused.status).toBe(422);
    expect(reused.body.type).toBe('urn:careflow:problem:idempotency-key-reused');
  });
});
