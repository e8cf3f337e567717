import type { Bundle, Condition, FhirResource, Organization, ServiceRequest } from 'fhir/r4';
import * as f from '@careflow/domain/testing';
import { referralFromFhir, type ReferralFromFhir } from './referral-in';
import { systems } from './systems';
import * as r from './testing/referrals';

/** The referral every well-formed example below carries: the domain fixture's, as FHIR states it. */
const expected = {
  ...f.referral(),
  payer: { payerId: 'payer-1', memberId: 'member-1' },
  bodyRegions: ['lower-back'],
  priority: 'routine',
};

const problemsOf = (result: ReferralFromFhir) => ('problems' in result ? result.problems : []);
const locationsOf = (result: ReferralFromFhir) => problemsOf(result).map((problem) => problem.location);

const resourceOf = <T extends FhirResource>(bundle: Bundle, resourceType: T['resourceType']): T => {
  const found = bundle.entry?.find((entry) => entry.resource?.resourceType === resourceType)?.resource;
  if (found === undefined) throw new Error(`no ${resourceType} in the example`);
  return found as T;
};

describe('referralFromFhir: a ServiceRequest with its Patient, Practitioner, Condition and Coverage → the referral', () => {
  it('reads a transaction Bundle', () => {
    expect(referralFromFhir(r.referralBundle())).toEqual({ referral: expected });
  });

  it('reads a ServiceRequest with the four contained', () => {
    expect(referralFromFhir(r.containedReferral())).toEqual({ referral: expected });
  });

  it('resolves relative references (Type/id) as well as fullUrls', () => {
    const bundle = r.referralBundle();
    const patient = bundle.entry?.[1];
    if (patient?.resource === undefined) throw new Error('no patient entry');
    patient.resource = { ...patient.resource, id: 'p-1' };
    patient.fullUrl = 'https://ehr.example.org/fhir/Patient/p-1';
    resourceOf<ServiceRequest>(bundle, 'ServiceRequest').subject = { reference: 'Patient/p-1' };
    expect(referralFromFhir(bundle)).toEqual({ referral: expected });
  });

  it('maps FHIR priorities to routine and urgent, and reads reason codes beside reason Conditions', () => {
    const bundle = r.referralBundle(({ serviceRequest }) => {
      serviceRequest.priority = 'stat';
      serviceRequest.reasonCode = [{ coding: [{ system: systems.icd10cm, code: 'M62.830' }] }];
    });
    expect(referralFromFhir(bundle)).toEqual({ referral: { ...expected, priority: 'urgent', diagnosisCodes: ['M54.50', 'M62.830'] } });
  });

  it('reads the department from a performer, by a logical reference or an Organization', () => {
    const logical = r.referralBundle(({ serviceRequest }) => {
      serviceRequest.performer = [{ identifier: { system: 'urn:careflow:department-id', value: 'department-1' } }];
    });
    expect(referralFromFhir(logical)).toEqual({ referral: expected, departmentId: 'department-1' });
    const organization = r.containedReferral();
    const department: Organization = {
      resourceType: 'Organization',
      id: 'dept',
      identifier: [{ system: 'urn:careflow:department-id', value: 'department-2' }],
    };
    organization.contained = [...(organization.contained ?? []), department];
    organization.performer = [{ reference: '#dept' }];
    expect(referralFromFhir(organization)).toEqual({ referral: expected, departmentId: 'department-2' });
  });

  it('reads a history of cancer from a supporting Condition coded as a malignancy or its history', () => {
    const bundle = r.referralBundle(({ serviceRequest }) => {
      serviceRequest.supportingInfo = [{ reference: 'urn:uuid:5b1c2f0e-8a44-4c1e-9b2e-0c7f6a1d2e09' }];
    });
    const history: Condition = { ...r.condition('Z85.3') };
    bundle.entry?.push({ fullUrl: 'urn:uuid:5b1c2f0e-8a44-4c1e-9b2e-0c7f6a1d2e09', resource: history });
    expect(referralFromFhir(bundle)).toEqual({ referral: { ...expected, cancerHistory: true } });
  });
});

describe('referralFromFhir: refusals name every element at fault and never a value', () => {
  it('names each missing or malformed element of the ServiceRequest and the Patient at once', () => {
    const bundle = r.referralBundle(({ serviceRequest, patient }) => {
      serviceRequest.status = 'draft';
      delete serviceRequest.authoredOn;
      serviceRequest.reasonReference = [];
      patient.identifier = [{ value: 'mrn-1' }];
      patient.birthDate = '1970';
      patient.address = [];
    });
    const result = referralFromFhir(bundle);
    expect(locationsOf(result)).toEqual([
      'Bundle.entry[0].resource.status',
      'Bundle.entry[1].resource.identifier',
      'Bundle.entry[1].resource.birthDate',
      'Bundle.entry[1].resource.address[0].state',
      'Bundle.entry[0].resource.reasonReference',
      'Bundle.entry[0].resource.authoredOn',
    ]);
    const text = JSON.stringify(result);
    for (const value of ['mrn-1', '"1970"', 'draft']) expect(text).not.toContain(value);
  });

  it('names a reference that resolves to nothing in the message', () => {
    const bundle = r.referralBundle(({ serviceRequest }) => {
      serviceRequest.requester = { reference: 'urn:uuid:00000000-0000-4000-8000-000000000000' };
      serviceRequest.insurance = [];
    });
    expect(locationsOf(referralFromFhir(bundle))).toEqual(['Bundle.entry[0].resource.requester', 'Bundle.entry[0].resource.insurance']);
  });

  it("names the domain's own limits at the element they came from", () => {
    const bundle = r.referralBundle(({ serviceRequest }) => {
      serviceRequest.bodySite = [{ coding: [{ system: 'urn:careflow:body-region', code: 'elbow' }] }];
    });
    const condition = resourceOf<Condition>(bundle, 'Condition');
    condition.code = { coding: [{ system: systems.icd10cm, code: 'M54.50000000000' }] };
    const problems = problemsOf(referralFromFhir(bundle));
    expect(problems.map((problem) => problem.location)).toEqual([
      'Bundle.entry[0].resource.reasonReference',
      'Bundle.entry[0].resource.bodySite',
    ]);
    expect(JSON.stringify(problems)).not.toMatch(/elbow|M54\.5/);
  });

  it('refuses what is not a ServiceRequest or a transaction Bundle', () => {
    expect(referralFromFhir({ resourceType: 'Patient' })).toEqual({
      problems: [{ location: 'resourceType', message: expect.any(String) }],
    });
    expect(referralFromFhir('text')).toEqual({ problems: [{ location: 'resourceType', message: expect.any(String) }] });
    expect(locationsOf(referralFromFhir({ ...r.referralBundle(), type: 'collection' }))).toEqual(['Bundle.type']);
  });

  it('refuses a Bundle without exactly one ServiceRequest', () => {
    const bundle = r.referralBundle();
    bundle.entry = [...(bundle.entry ?? []), { fullUrl: 'urn:uuid:5b1c2f0e-8a44-4c1e-9b2e-0c7f6a1d2e0a', resource: r.serviceRequest() }];
    expect(locationsOf(referralFromFhir(bundle))).toEqual(['Bundle.entry']);
    expect(locationsOf(referralFromFhir({ resourceType: 'Bundle', type: 'transaction' }))).toEqual(['Bundle.entry']);
  });

  it('refuses contained references that point outside the ServiceRequest', () => {
    const request = r.containedReferral();
    request.subject = { reference: 'Patient/elsewhere' };
    expect(locationsOf(referralFromFhir(request))).toEqual(['ServiceRequest.subject']);
  });
});
