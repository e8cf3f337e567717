/**
 * Inbound FHIR referrals for the specs (test code only): one ServiceRequest with its Patient,
 * Practitioner, Condition and Coverage, as a transaction Bundle and with the four contained.
 */
import type { Bundle, BundleEntry, Condition, Coverage, FhirResource, Patient, Practitioner, ServiceRequest } from 'fhir/r4';
import { careflow, systems } from '../systems';

const mr = { coding: [{ system: systems.identifierType, code: 'MR' }] };

export const patient = (): Patient => ({
  resourceType: 'Patient',
  identifier: [{ type: mr, system: 'urn:oid:2.16.840.1.113883.19.5', value: 'mrn-1' }],
  name: [{ use: 'official', family: 'Patient', given: ['Test'] }],
  gender: 'female',
  birthDate: '1970-01-01',
  address: [{ use: 'home', state: 'MD', country: 'US' }],
});

export const practitioner = (): Practitioner => ({
  resourceType: 'Practitioner',
  identifier: [{ system: systems.npi, value: '1234567893' }],
  name: [{ prefix: ['Dr.'], family: 'Referrer' }],
  qualification: [{ code: { text: 'MD' } }],
});

export const condition = (code = 'M54.50'): Condition => ({
  resourceType: 'Condition',
  clinicalStatus: { coding: [{ system: systems.conditionClinical, code: 'active' }] },
  verificationStatus: { coding: [{ system: systems.conditionVerification, code: 'confirmed' }] },
  code: { coding: [{ system: systems.icd10cm, code }] },
  subject: { reference: 'urn:uuid:5b1c2f0e-8a44-4c1e-9b2e-0c7f6a1d2e01' },
});

export const coverage = (): Coverage => ({
  resourceType: 'Coverage',
  status: 'active',
  subscriberId: 'member-1',
  beneficiary: { reference: 'urn:uuid:5b1c2f0e-8a44-4c1e-9b2e-0c7f6a1d2e01' },
  payor: [{ identifier: { system: careflow.payerId, value: 'payer-1' } }],
});

const uuids = {
  patient: 'urn:uuid:5b1c2f0e-8a44-4c1e-9b2e-0c7f6a1d2e01',
  practitioner: 'urn:uuid:5b1c2f0e-8a44-4c1e-9b2e-0c7f6a1d2e02',
  condition: 'urn:uuid:5b1c2f0e-8a44-4c1e-9b2e-0c7f6a1d2e03',
  coverage: 'urn:uuid:5b1c2f0e-8a44-4c1e-9b2e-0c7f6a1d2e04',
  serviceRequest: 'urn:uuid:5b1c2f0e-8a44-4c1e-9b2e-0c7f6a1d2e05',
};

export const serviceRequest = (references = uuids): ServiceRequest => ({
  resourceType: 'ServiceRequest',
  identifier: [{ system: careflow.referralId, value: 'referral-1' }],
  status: 'active',
  intent: 'order',
  priority: 'routine',
  code: { text: 'clinical massage therapy' },
  subject: { reference: references.patient },
  authoredOn: '2025-03-01',
  requester: { reference: references.practitioner },
  reasonReference: [{ reference: references.condition }],
  insurance: [{ reference: references.coverage }],
  bodySite: [{ coding: [{ system: careflow.bodyRegion, code: 'lower-back' }] }],
});

/** The referral as a transaction Bundle, each resource POSTed under a urn:uuid fullUrl. */
export const referralBundle = (
  change: (resources: { serviceRequest: ServiceRequest; patient: Patient }) => void = () => undefined,
): Bundle => {
  const resources = { serviceRequest: serviceRequest(), patient: patient() };
  change(resources);
  const entry = (fullUrl: string, resource: FhirResource): BundleEntry => ({
    fullUrl,
    resource,
    request: { method: 'POST', url: resource.resourceType },
  });
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      entry(uuids.serviceRequest, resources.serviceRequest),
      entry(uuids.patient, resources.patient),
      entry(uuids.practitioner, practitioner()),
      entry(uuids.condition, condition()),
      entry(uuids.coverage, coverage()),
    ],
  };
};

/** The referral as one ServiceRequest with its Patient, Practitioner, Condition and Coverage contained. */
export const containedReferral = (): ServiceRequest => {
  const references = { patient: '#patient', practitioner: '#requester', condition: '#reason', coverage: '#coverage', serviceRequest: '' };
  const reason: Condition = { ...condition(), id: 'reason', subject: { reference: '#patient' } };
  const insurance: Coverage = { ...coverage(), id: 'coverage', beneficiary: { reference: '#patient' } };
  return {
    ...serviceRequest(references),
    contained: [{ ...patient(), id: 'patient' }, { ...practitioner(), id: 'requester' }, reason, insurance],
  };
};
