/**
 * The FHIR routes against the real stack (docs/fhir.md): a ServiceRequest goes the one referral path
 * (201/200/409/400), and an episode's Bundle comes back department-scoped, audited, and valid for the
 * HAPI FHIR validator of the local stack.
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, Patient, ServiceRequest } from 'fhir/r4';
import { pollUntil } from '@careflow/event-store/testing';
import { errorsOf, referralBundle, validate } from '@careflow/fhir/testing';
import { episodeIdForReferral } from '@careflow/temporal';
import { type ApiHarness, call, startApiHarness } from '../support/api-harness';

const yesterday = (): string => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

/** A transaction Bundle of a new referral to the department, with ids of its own. */
const newReferral = (departmentId: string, change: (request: ServiceRequest) => void = () => undefined) => {
  const referralId = `referral-${randomUUID()}`;
  const bundle = referralBundle(({ serviceRequest, patient }) => {
    serviceRequest.identifier = [{ system: 'urn:careflow:referral-id', value: referralId }];
    serviceRequest.authoredOn = yesterday();
    serviceRequest.performer = [{ identifier: { system: 'urn:careflow:department-id', value: departmentId } }];
    patient.identifier = [
      { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] }, value: `mrn-${randomUUID()}` },
    ];
    change(serviceRequest);
  });
  return { referralId, bundle };
};

const fhirJson = { 'content-type': 'application/fhir+json' };

describe('FHIR routes', () => {
  let api: ApiHarness;
  const department = `D-${randomUUID().slice(0, 8)}`;
  let scheduler: string;
  let therapist: string;

  beforeAll(async () => {
    api = await startApiHarness();
    scheduler = await api.token({ userId: 'u-scheduler', role: 'scheduler', departments: [department] });
    therapist = await api.token({ userId: 'u-therapist', role: 'therapist', departments: [department] });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('POST /fhir/ServiceRequest: 201 and the episode; the same again 200; other content 409 naming the field', async () => {
    const { referralId, bundle } = newReferral(department);
    const created = await call(api, 'POST', '/fhir/ServiceRequest', {
      token: scheduler,
      rawBody: JSON.stringify(bundle),
      headers: fhirJson,
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ episodeId: episodeIdForReferral(department, referralId), status: expect.any(String) });

    const again = await call(api, 'POST', '/fhir/ServiceRequest', { token: scheduler, body: bundle });
    expect(again.status).toBe(200);
    expect(again.body.episodeId).toBe(created.body.episodeId);

    const changed = structuredClone(bundle) as Bundle;
    const patient = changed.entry?.find((entry) => entry.resource?.resourceType === 'Patient')?.resource as Patient | undefined;
    if (patient === undefined) throw new Error('no patient entry');
    patient.birthDate = '1971-02-03';
    const conflict = await call(api, 'POST', '/fhir/ServiceRequest', {
      token: scheduler,
      rawBody: JSON.stringify(changed),
      headers: fhirJson,
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body.conflictingFields).toEqual(['patient.birthDate']);
    expect(conflict.text).not.toContain('1971-02-03');
  });

  it('POST /fhir/ServiceRequest with elements at fault: 400 naming each by FHIRPath, never a value; nothing written', async () => {
    const { referralId, bundle } = newReferral(department, (request) => {
      request.status = 'draft';
      delete request.authoredOn;
    });
    const answer = await call(api, 'POST', '/fhir/ServiceRequest', {
      token: scheduler,
      rawBody: JSON.stringify(bundle),
      headers: fhirJson,
    });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect((answer.body.errors as Array<{ path: string }>).map((error) => error.path)).toEqual([
      'Bundle.entry[0].resource.status',
      'Bundle.entry[0].resource.authoredOn',
    ]);
    expect(answer.text).not.toContain('draft');
    const registered = await api.owner`SELECT 1 FROM episodes WHERE referral_id = ${referralId}`;
    expect(registered).toHaveLength(0);
  });

  it('GET /episodes/{id}/fhir: the Bundle, valid for the HAPI validator, audited; 404 to another department, 403 to billing', async () => {
    const { referralId, bundle } = newReferral(department);
    const created = await call(api, 'POST', '/fhir/ServiceRequest', { token: scheduler, body: bundle });
    expect(created.status).toBe(201);
    const episodeId = created.body.episodeId as string;

    const read = await pollUntil(
      () => call(api, 'GET', `/episodes/${episodeId}/fhir`, { token: therapist }),
      (answer) => answer.status === 200,
      { what: "the episode's Bundle" },
    );
    expect(read.headers.get('content-type')).toContain('application/fhir+json');
    const episodeBundle = read.body as Bundle;
    expect(episodeBundle.type).toBe('collection');
    const request = episodeBundle.entry?.find((entry) => entry.resource?.resourceType === 'ServiceRequest')?.resource as ServiceRequest;
    expect(request.identifier?.[0]?.value).toBe(referralId);
    expect(errorsOf(await validate(episodeBundle))).toEqual([]);

    const audited = await api.owner`
      SELECT outcome, action, department_id FROM audit_records
      WHERE resource_id = ${episodeId} AND operation = 'episode:note-text' AND outcome = 'success'`;
    expect(audited.length).toBeGreaterThanOrEqual(1);

    const elsewhere = await api.token({ userId: 'u-other', role: 'therapist', departments: ['D-other'] });
    expect((await call(api, 'GET', `/episodes/${episodeId}/fhir`, { token: elsewhere })).status).toBe(404);
    const billing = await api.token({ userId: 'u-billing', role: 'billing', departments: [department] });
    expect((await call(api, 'GET', `/episodes/${episodeId}/fhir`, { token: billing })).status).toBe(403);
  });
});
