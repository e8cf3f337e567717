import { toFhirAuditBundle, toFhirAuditEvent } from './fhir';
import type { AuditRecord } from './record';

/** Stands for the pseudonymous patient key (64 hex digits). */
const patientKey = 'a1'.repeat(32);

const record = (overrides: Partial<AuditRecord> = {}): AuditRecord => ({
  sequence: 42,
  recordedAt: new Date('2026-03-02T09:00:00.123Z'),
  who: { userId: 'u-7', role: 'therapist' },
  what: { resourceType: 'episode', resourceId: 'D1:ref-7', patientKey, departmentId: 'D1' },
  action: 'read',
  operation: 'episode:read',
  where: { clientAddress: '10.0.0.7' },
  why: 'treatment',
  outcome: 'success',
  keyId: 'k1',
  previousHash: Buffer.alloc(32),
  hash: Buffer.alloc(32, 1),
  ...overrides,
});

const options = { observer: 'careflow-api' };

describe('audit records as FHIR AuditEvents (IHE BALP)', () => {
  it('writes a successful patient read as a BALP PatientRead', () => {
    expect(toFhirAuditEvent(record(), options)).toEqual({
      resourceType: 'AuditEvent',
      id: '42',
      meta: { profile: ['https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PatientRead'] },
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest', display: 'Restful Operation' },
      subtype: [
        { system: 'http://hl7.org/fhir/restful-interaction', code: 'read' },
        { system: 'urn:careflow:operation', code: 'episode:read' },
      ],
      action: 'R',
      recorded: '2026-03-02T09:00:00.123Z',
      outcome: '0',
      purposeOfEvent: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT', display: 'treatment' }] }],
      agent: [
        {
          type: { coding: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110153', display: 'Source Role ID' }] },
          who: { identifier: { system: 'urn:careflow:user', value: 'u-7' } },
          role: [{ coding: [{ system: 'urn:careflow:role', code: 'therapist' }] }],
          requestor: true,
          network: { address: '10.0.0.7', type: '2' },
          purposeOfUse: [
            { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT', display: 'treatment' }] },
          ],
        },
        {
          type: { coding: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110152', display: 'Destination Role ID' }] },
          who: { display: 'careflow-api' },
          requestor: false,
        },
      ],
      source: {
        observer: { display: 'careflow-api' },
        type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4', display: 'Application Server' }],
      },
      entity: [
        {
          what: { reference: `Patient/${patientKey}` },
          type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1', display: 'Person' },
          role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' },
        },
        {
          what: { identifier: { system: 'urn:careflow:episode', value: 'D1:ref-7' } },
          type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' },
          role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '4', display: 'Domain Resource' },
        },
      ],
    });
  });

  it.each([
    ['create', 'C', 'PatientCreate'],
    ['update', 'U', 'PatientUpdate'],
    ['delete', 'D', 'PatientDelete'],
  ] as const)('claims the BALP profile of a successful %s', (action, code, profile) => {
    const event = toFhirAuditEvent(record({ action }), options);
    expect(event.action).toBe(code);
    expect(event.meta?.profile).toEqual([`https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.${profile}`]);
  });

  it('claims the patient-less profile when no patient is involved', () => {
    const event = toFhirAuditEvent(record({ what: { resourceType: 'settings' } }), options);
    expect(event.meta?.profile).toEqual(['https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.Read']);
    expect(event.entity).toEqual([expect.objectContaining({ what: { display: 'settings' } })]);
  });

  it('writes a denial by an unidentified caller as a minor failure with its reason, claiming no BALP profile', () => {
    const event = toFhirAuditEvent(
      record({ who: { userId: null, role: null }, why: null, outcome: 'denied', outcomeReason: 'token-expired' }),
      options,
    );
    expect(event).toMatchObject({ outcome: '4', outcomeDesc: 'token-expired' });
    expect(event.meta).toBeUndefined();
    expect(event.purposeOfEvent).toBeUndefined();
    expect(event.agent[0]).toEqual({
      type: { coding: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110153', display: 'Source Role ID' }] },
      name: 'unidentified caller',
      requestor: true,
      network: { address: '10.0.0.7', type: '2' },
    });
  });

  it.each([
    ['payment', 'HPAYMT'],
    ['operations', 'HOPERAT'],
    ['audit', 'HCOMPL'],
  ] as const)('codes the purpose %s as %s', (why, code) => {
    expect(toFhirAuditEvent(record({ why }), options).purposeOfEvent?.[0]?.coding?.[0]?.code).toBe(code);
  });

  it('writes an error as a serious failure and a command as an operation', () => {
    const event = toFhirAuditEvent(record({ action: 'execute', operation: 'command:RecordSession', outcome: 'error' }), options);
    expect(event).toMatchObject({ action: 'E', outcome: '8', subtype: [{ code: 'operation' }, { code: 'command:RecordSession' }] });
    expect(event.meta).toBeUndefined();
  });

  it('bundles records as a searchset', () => {
    const bundle = toFhirAuditBundle([record(), record({ sequence: 43 })], options);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 2 });
    expect(bundle.entry?.map((entry) => [entry.resource?.id, entry.search?.mode])).toEqual([
      ['42', 'match'],
      ['43', 'match'],
    ]);
  });
});
