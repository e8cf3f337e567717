/**
 * Audit records as FHIR R4 AuditEvents following IHE Basic Audit Log Patterns (BALP): a RESTful
 * operation by an identified user from a network address, on a resource and, where there is one, a
 * patient. Successful reads and writes claim the matching BALP profile; denials, errors and
 * operations (BALP has no profile for them) are plain AuditEvents with the same shape.
 */
import type { AuditEvent, AuditEventAgent, AuditEventEntity, Bundle, BundleEntry } from 'fhir/r4';
import type { PurposeOfUse } from '@careflow/auth';
import type { AuditAction, AuditOutcome, AuditRecord } from './record';

const balp = 'https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit';
const dicom = 'http://dicom.nema.org/resources/ontology/DCM';
const entityType = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
const objectRole = 'http://terminology.hl7.org/CodeSystem/object-role';
/** Careflow's own identifiers and codes. */
const careflow = (name: string): string => `urn:careflow:${name}`;

const actionCodes: { readonly [A in AuditAction]: NonNullable<AuditEvent['action']> } = {
  create: 'C',
  read: 'R',
  update: 'U',
  delete: 'D',
  execute: 'E',
};

const interactions: { readonly [A in AuditAction]: string } = {
  create: 'create',
  read: 'read',
  update: 'update',
  delete: 'delete',
  execute: 'operation',
};

const outcomeCodes: { readonly [O in AuditOutcome]: NonNullable<AuditEvent['outcome']> } = {
  success: '0',
  // The request was refused: a minor failure in DICOM's terms, the server acted correctly.
  denied: '4',
  error: '8',
};

/** HL7 v3 ActReason PurposeOfUse; an audit is health compliance (HCOMPL). */
const purposeCodes: { readonly [P in PurposeOfUse]: { code: string; display: string } } = {
  treatment: { code: 'TREAT', display: 'treatment' },
  payment: { code: 'HPAYMT', display: 'healthcare payment' },
  operations: { code: 'HOPERAT', display: 'healthcare operations' },
  audit: { code: 'HCOMPL', display: 'health compliance' },
};

const profiles: { readonly [A in AuditAction]?: { readonly withPatient: string; readonly withoutPatient: string } } = {
  create: { withPatient: `${balp}.PatientCreate`, withoutPatient: `${balp}.Create` },
  read: { withPatient: `${balp}.PatientRead`, withoutPatient: `${balp}.Read` },
  update: { withPatient: `${balp}.PatientUpdate`, withoutPatient: `${balp}.Update` },
  delete: { withPatient: `${balp}.PatientDelete`, withoutPatient: `${balp}.Delete` },
};

export interface FhirAuditOptions {
  /** The system that recorded the events, e.g. `careflow-api`. */
  readonly observer: string;
}

const userAgent = (record: AuditRecord): AuditEventAgent => ({
  type: { coding: [{ system: dicom, code: '110153', display: 'Source Role ID' }] },
  ...(record.who.userId === null
    ? { name: 'unidentified caller' }
    : {
        who: { identifier: { system: careflow('user'), value: record.who.userId } },
        role: [{ coding: [{ system: careflow('role'), code: record.who.role ?? 'unknown' }] }],
      }),
  requestor: true,
  ...(record.where.clientAddress === undefined ? {} : { network: { address: record.where.clientAddress, type: '2' } }),
  ...(record.why === null ? {} : { purposeOfUse: [purposeOf(record.why)] }),
});

const purposeOf = (purpose: PurposeOfUse) => ({
  coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', ...purposeCodes[purpose] }],
});

const entities = (record: AuditRecord): AuditEventEntity[] => [
  ...(record.what.patientKey === undefined
    ? []
    : [
        {
          what: { reference: `Patient/${record.what.patientKey}` },
          type: { system: entityType, code: '1', display: 'Person' },
          role: { system: objectRole, code: '1', display: 'Patient' },
        },
      ]),
  {
    what:
      record.what.resourceId === undefined
        ? { display: record.what.resourceType }
        : { identifier: { system: careflow(record.what.resourceType), value: record.what.resourceId } },
    type: { system: entityType, code: '2', display: 'System Object' },
    role: { system: objectRole, code: '4', display: 'Domain Resource' },
  },
];

export const toFhirAuditEvent = (record: AuditRecord, options: FhirAuditOptions): AuditEvent => {
  const profile = record.outcome === 'success' ? profiles[record.action] : undefined;
  return {
    resourceType: 'AuditEvent',
    id: String(record.sequence),
    ...(profile === undefined
      ? {}
      : { meta: { profile: [record.what.patientKey === undefined ? profile.withoutPatient : profile.withPatient] } }),
    type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest', display: 'Restful Operation' },
    subtype: [
      { system: 'http://hl7.org/fhir/restful-interaction', code: interactions[record.action] },
      { system: careflow('operation'), code: record.operation },
    ],
    action: actionCodes[record.action],
    recorded: record.recordedAt.toISOString(),
    outcome: outcomeCodes[record.outcome],
    ...(record.outcomeReason === undefined ? {} : { outcomeDesc: record.outcomeReason }),
    ...(record.why === null ? {} : { purposeOfEvent: [purposeOf(record.why)] }),
    agent: [
      userAgent(record),
      {
        type: { coding: [{ system: dicom, code: '110152', display: 'Destination Role ID' }] },
        who: { display: options.observer },
        requestor: false,
      },
    ],
    source: {
      observer: { display: options.observer },
      type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4', display: 'Application Server' }],
    },
    entity: entities(record),
  };
};

/** A searchset Bundle of the records, for `GET /audit/fhir`. */
export const toFhirAuditBundle = (records: readonly AuditRecord[], options: FhirAuditOptions): Bundle<AuditEvent> => ({
  resourceType: 'Bundle',
  type: 'searchset',
  total: records.length,
  entry: records.map((record): BundleEntry<AuditEvent> => ({ resource: toFhirAuditEvent(record, options), search: { mode: 'match' } })),
});
