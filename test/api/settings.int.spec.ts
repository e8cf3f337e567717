import { randomUUID } from 'node:crypto';
import { commercialPayerSettings, defaultDepartmentSettings } from '@careflow/domain';
import { type ApiHarness, call, startApiHarness } from '../support/api-harness';

describe('admin settings: departments, payers, therapists', () => {
  let api: ApiHarness;
  let admin: string;
  let lead: string;
  const department = `D-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    api = await startApiHarness();
    admin = await api.token({ userId: 'u-admin', role: 'admin', departments: [] });
    lead = await api.token({ userId: 'u-lead', role: 'department-lead', departments: [department] });
  });
  afterAll(async () => {
    await api?.close();
  });

  it("given an admin, then a department's settings are the defaults until stored, and stored ones are checked by the domain", async () => {
    const path = `/departments/${department}/settings`;
    expect((await call(api, 'GET', path, { token: admin })).body).toEqual(defaultDepartmentSettings);
    const settings = { ...defaultDepartmentSettings, referralValidityDays: 60 };
    expect((await call(api, 'PUT', path, { token: admin, body: settings })).status).toBe(200);
    expect((await call(api, 'GET', path, { token: admin })).body).toEqual(settings);
    const bad = await call(api, 'PUT', path, { token: admin, body: { ...settings, noShowPromptAfter: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ path: 'settings.noShowPromptAfter', problem: expect.stringMatching(/^must be/) }]);
    expect((await call(api, 'PUT', path, { token: lead, body: settings })).status).toBe(403);
  });

  it("given an admin, then a payer's settings are stored after the domain's bounds, every field at fault named", async () => {
    const payer = `payer-${randomUUID().slice(0, 8)}`;
    const path = `/payers/${payer}/settings`;
    expect((await call(api, 'GET', path, { token: admin })).status).toBe(404);
    expect((await call(api, 'PUT', path, { token: admin, body: commercialPayerSettings })).status).toBe(200);
    expect((await call(api, 'GET', path, { token: admin })).body).toEqual(commercialPayerSettings);
    const bad = await call(api, 'PUT', path, {
      token: admin,
      body: { ...commercialPayerSettings, unitRule: 'nearest', feeScheduleCents: { '97124': -5 } },
    });
    expect(bad.status).toBe(400);
    expect((bad.body.errors as Array<{ path: string }>).map((error) => error.path).sort()).toEqual(['feeScheduleCents.97124', 'unitRule']);
  });

  it("given an admin, then a therapist's profile and provider type are stored; a profile routing could not read, 400", async () => {
    const therapistId = `t-${randomUUID().slice(0, 8)}`;
    const entry = {
      departmentId: department,
      active: true,
      providerType: 'physical-therapist',
      profile: { licenses: [], boardCertifications: [], specialtyCertificates: [], availability: 0.5 },
    };
    expect((await call(api, 'PUT', `/therapists/${therapistId}`, { token: admin, body: entry })).status).toBe(200);
    const [row] = await api.owner`SELECT department_id, provider_type, active FROM therapists WHERE therapist_id = ${therapistId}`;
    expect(row).toEqual({ department_id: department, provider_type: 'physical-therapist', active: true });
    const bad = await call(api, 'PUT', `/therapists/${therapistId}`, {
      token: admin,
      body: { ...entry, providerType: 'healer', profile: { ...entry.profile, availability: 3 } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ path: 'providerType', problem: expect.any(String) }]);
    const badProfile = await call(api, 'PUT', `/therapists/${therapistId}`, {
      token: admin,
      body: { ...entry, profile: { ...entry.profile, availability: 3 } },
    });
    expect(badProfile.status).toBe(400);
    expect(badProfile.body.errors).toEqual([{ path: 'profile.availability', problem: expect.stringMatching(/^must be/) }]);
  });
});
