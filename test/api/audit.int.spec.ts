import { randomUUID } from 'node:crypto';
import { verifyAuditTrail } from '@careflow/audit';
import { applicationRoleOf } from '@careflow/event-store';
import { type ApiHarness, call, startApiHarness } from '../support/api-harness';
import { referral } from '../support/episode-harness';
import { requireEnv } from '../support/env';

const yesterday = (): string => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

interface AuditRow {
  request_id: string;
  recorded_at: Date;
  user_id: string | null;
  user_role: string | null;
  action: string;
  operation: string;
  resource_type: string;
  resource_id: string | null;
  patient_key: string | null;
  department_id: string | null;
  client_address: string | null;
  purpose_of_use: string | null;
  outcome: string;
  outcome_reason: string | null;
}

describe('audit of every request to a PHI route', () => {
  let api: ApiHarness;
  const department = `D-${randomUUID().slice(0, 8)}`;
  let lead: string;

  beforeAll(async () => {
    api = await startApiHarness();
    lead = await api.token({ userId: 'u-lead', role: 'department-lead', departments: [department] });
  });
  afterAll(async () => {
    await api?.close();
  });

  const recordsOf = (requestIds: readonly string[]) =>
    api.owner<AuditRow[]>`SELECT * FROM audit_records WHERE request_id IN ${api.owner(requestIds)} ORDER BY sequence`;

  it('given N requests (successful, invalid, denied, unauthenticated), then exactly N records with every field, and the chain verifies', async () => {
    const order = referral(yesterday());
    const body = { departmentId: department, referral: order };
    const therapist = await api.token({ userId: 'u-t', role: 'therapist', departments: [department] });
    const outsider = await api.token({ userId: 'u-out', role: 'department-lead', departments: ['D-elsewhere'] });
    const requests = [
      { path: '/referrals', token: lead, body, status: 201, outcome: 'success', who: 'u-lead' },
      { path: '/referrals', token: lead, body, status: 200, outcome: 'success', who: 'u-lead' },
      {
        path: '/referrals',
        token: lead,
        body: { departmentId: department, referral: { ...order, referralDate: 'soon' } },
        status: 400,
        outcome: 'error',
        who: 'u-lead',
      },
      { path: '/referrals', token: therapist, body, status: 403, outcome: 'denied', who: 'u-t' },
      { path: '/referrals', token: 'not-a-token', body, status: 401, outcome: 'denied', who: null },
      { path: 'episode', token: lead, body: { reason: 'no therapist free this week' }, status: 200, outcome: 'success', who: 'u-lead' },
      { path: 'episode', token: outsider, body: { reason: 'x' }, status: 404, outcome: 'denied', who: 'u-out' },
    ] as const;
    const ids: string[] = [];
    let episodeId = '';
    for (const request of requests) {
      const id = `req-${randomUUID()}`;
      ids.push(id);
      const path = request.path === 'episode' ? `/episodes/${episodeId}/escalate` : request.path;
      const answer = await call(api, 'POST', path, { token: request.token, body: request.body, headers: { 'x-request-id': id } });
      expect(answer.status).toBe(request.status);
      if (answer.status === 201) episodeId = answer.body.episodeId;
    }

    const records = await recordsOf(ids);
    expect(records.map((record) => record.request_id)).toEqual(ids);
    records.forEach((record, index) => {
      const request = requests[index];
      expect(record).toMatchObject({ outcome: request?.outcome, user_id: request?.who });
      expect(record.recorded_at).toBeInstanceOf(Date);
      expect(record.client_address).toMatch(/127\.0\.0\.1/);
      expect(record.operation).toMatch(/^command:(ReceiveReferral|EscalateReferral)$/);
      expect(record.resource_type).toBe('episode');
      if (request?.who === null) {
        expect(record).toMatchObject({ user_role: null, purpose_of_use: null, outcome_reason: 'token-malformed' });
      } else {
        expect(record.user_role).not.toBeNull();
        // Neither token nor header names one: the role's usual purpose.
        expect(record.purpose_of_use).toBe('treatment');
      }
    });
    // The requests that got as far as the episode name it, its department and the patient's key.
    for (const record of [records[0], records[1], records[5], records[6]]) {
      expect(record).toMatchObject({
        resource_id: episodeId,
        department_id: department,
        patient_key: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
    }
    expect(records[6]?.outcome_reason).toBe('department');
    expect(records[3]?.outcome_reason).toBe('role');

    const verification = await verifyAuditTrail(api.owner, api.config.AUDIT_HMAC_KEYS);
    expect(verification.firstBreak).toBeNull();
  });

  it('given the audit record cannot be written, then the request fails with 503 and no answer', async () => {
    const apiRole = applicationRoleOf(requireEnv('API_DATABASE_URL'));
    await api.owner.unsafe(`REVOKE INSERT ON audit_records FROM ${apiRole}`);
    try {
      const answer = await call(api, 'POST', '/referrals', {
        token: lead,
        body: { departmentId: department, referral: referral(yesterday()) },
      });
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({ type: 'urn:careflow:problem:audit-unavailable', status: 503 });
      expect(answer.body.episodeId).toBeUndefined();
    } finally {
      await api.owner.unsafe(`GRANT INSERT ON audit_records TO ${apiRole}`);
    }
  });

  it('given bodies that cannot be read (invalid JSON, too large, an unknown charset), then each is refused after its caller is known, audited, and nothing is registered', async () => {
    const therapist = await api.token({ userId: 'u-t', role: 'therapist', departments: [department] });
    const registered = async () =>
      (await api.owner<{ n: number }[]>`SELECT count(*)::int AS n FROM episodes WHERE department_id = ${department}`)[0]?.n;
    const before = await registered();
    const notJson = `{"departmentId": "${department}", "referral": `;
    const tooLarge = JSON.stringify({ departmentId: department, referral: { ...referral(yesterday()), padding: 'x'.repeat(200_000) } });
    const requests = [
      {
        path: '/referrals',
        token: lead,
        rawBody: notJson,
        headers: {},
        status: 400,
        slug: 'body-not-json',
        outcome: 'error',
        who: 'u-lead',
      },
      {
        path: '/referrals',
        token: lead,
        rawBody: tooLarge,
        headers: {},
        status: 413,
        slug: 'body-too-large',
        outcome: 'error',
        who: 'u-lead',
      },
      {
        path: '/referrals',
        token: lead,
        rawBody: '{}',
        headers: { 'content-type': 'application/json; charset=klingon' },
        status: 415,
        slug: 'body-encoding-unsupported',
        outcome: 'error',
        who: 'u-lead',
      },
      {
        path: '/fhir/ServiceRequest',
        token: lead,
        rawBody: notJson,
        headers: { 'content-type': 'application/fhir+json' },
        status: 400,
        slug: 'body-not-json',
        outcome: 'error',
        who: 'u-lead',
      },
      // Who may not act is told so first: the body is not read for them.
      {
        path: '/referrals',
        token: therapist,
        rawBody: notJson,
        headers: {},
        status: 403,
        slug: 'forbidden',
        outcome: 'denied',
        who: 'u-t',
      },
      {
        path: '/referrals',
        token: undefined,
        rawBody: notJson,
        headers: {},
        status: 401,
        slug: 'unauthenticated',
        outcome: 'denied',
        who: null,
      },
    ] as const;
    const ids: string[] = [];
    for (const request of requests) {
      const id = `req-${randomUUID()}`;
      ids.push(id);
      const answer = await call(api, 'POST', request.path, {
        ...(request.token === undefined ? {} : { token: request.token }),
        rawBody: request.rawBody,
        headers: { ...request.headers, 'x-request-id': id },
      });
      expect({ status: answer.status, type: answer.body?.type }).toEqual({
        status: request.status,
        type: `urn:careflow:problem:${request.slug}`,
      });
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.text).not.toContain(department);
    }
    const records = await recordsOf(ids);
    expect(records.map(({ request_id, operation, outcome, user_id }) => ({ request_id, operation, outcome, user_id }))).toEqual(
      requests.map((request, index) => ({
        request_id: ids[index],
        operation: 'command:ReceiveReferral',
        outcome: request.outcome,
        user_id: request.who,
      })),
    );
    expect(records.slice(0, 4).map((record) => record.outcome_reason)).toEqual(requests.slice(0, 4).map((request) => request.slug));
    expect(await registered()).toBe(before);

    // A public route reads no caller: its unreadable body is refused all the same, never a 5xx.
    const publicRoute = await call(api, 'POST', '/codec/decode', { rawBody: notJson });
    expect(publicRoute.status).toBe(400);
    expect(publicRoute.body?.type).toBe('urn:careflow:problem:body-not-json');
  });

  it("given the Temporal UI's codec, then each encode and decode writes one record, a refusal too, and without the trail no payload is decoded", async () => {
    const admin = await api.token({ userId: 'u-admin', role: 'admin', departments: [] });
    const namespace = { 'x-namespace': process.env['TEMPORAL_NAMESPACE'] ?? 'default' };
    const plain = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"note"').toString('base64') };
    const requestIds = [randomUUID(), randomUUID(), randomUUID()];
    const encoded = await call(api, 'POST', '/codec/encode', {
      token: admin,
      body: { payloads: [plain] },
      headers: { ...namespace, 'x-request-id': requestIds[0] as string },
    });
    expect(encoded.status).toBe(200);
    const decoded = await call(api, 'POST', '/codec/decode', {
      token: admin,
      body: encoded.body,
      headers: { ...namespace, 'x-request-id': requestIds[1] as string },
    });
    expect(decoded.body).toEqual({ payloads: [plain] });
    const refused = await call(api, 'POST', '/codec/decode', {
      token: lead,
      body: encoded.body,
      headers: { ...namespace, 'x-request-id': requestIds[2] as string },
    });
    expect(refused.status).toBe(403);

    const records = await recordsOf(requestIds);
    expect(records.map(({ operation, outcome, user_role }) => ({ operation, outcome, user_role }))).toEqual([
      { operation: 'codec:encode', outcome: 'success', user_role: 'admin' },
      { operation: 'codec:decode', outcome: 'success', user_role: 'admin' },
      { operation: 'codec:decode', outcome: 'denied', user_role: 'department-lead' },
    ]);

    const apiRole = applicationRoleOf(requireEnv('API_DATABASE_URL'));
    await api.owner.unsafe(`REVOKE INSERT ON audit_records FROM ${apiRole}`);
    try {
      const unaudited = await call(api, 'POST', '/codec/decode', { token: admin, body: encoded.body, headers: namespace });
      expect(unaudited.status).toBe(503);
      expect(unaudited.text).not.toContain(plain.data);
    } finally {
      await api.owner.unsafe(`GRANT INSERT ON audit_records TO ${apiRole}`);
    }
  });

  it("given a patient's name and MRN as canaries, then no error body and no log line carries them", async () => {
    const name = `Canaryname ${randomUUID().slice(0, 6)}`;
    const mrn = `MRN-CANARY-${randomUUID().slice(0, 6)}`;
    const order = referral(yesterday(), { patient: { ...referral(yesterday()).patient, name, mrn } });
    const answers = [
      await call(api, 'POST', '/referrals', {
        token: lead,
        body: { departmentId: department, referral: { ...order, referralDate: name } },
      }),
      await call(api, 'POST', '/referrals', {
        token: lead,
        body: { departmentId: department, referral: { ...order, patient: { ...order.patient, [mrn]: name } } },
      }),
      await call(api, 'POST', '/referrals', { token: lead, body: { departmentId: mrn, referral: order } }),
      await call(api, 'POST', '/referrals', { token: lead, rawBody: `{"departmentId": "${name}", "referral": ${mrn}` }),
      await call(api, 'POST', `/episodes/${encodeURIComponent(mrn)}/hold`, { token: lead, body: { reason: name } }),
      await call(api, 'POST', `/${encodeURIComponent(name)}`, { token: lead, body: { name } }),
    ];
    await call(api, 'POST', '/referrals', { token: lead, body: { departmentId: department, referral: order } });
    answers.push(
      await call(api, 'POST', '/referrals', {
        token: lead,
        body: { departmentId: department, referral: { ...order, patient: { ...order.patient, birthDate: '1955-05-05' } } },
      }),
    );
    // A department id that is not the caller's is 404, whatever it looks like.
    expect(answers.map((answer) => answer.status)).toEqual([400, 400, 404, 400, 404, 404, 409]);
    for (const answer of answers) {
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.text).not.toContain(name);
      expect(answer.text).not.toContain(mrn);
      expect(answer.text).not.toContain('1955-05-05');
    }
    const logs = api.logLines.join('\n');
    expect(logs).not.toContain(name);
    expect(logs).not.toContain(mrn);
  });
});
