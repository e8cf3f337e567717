/**
 * Referrals in (docs/fhir.md): a FHIR R4 ServiceRequest with its Patient, Practitioner, Condition and
 * Coverage, as a transaction Bundle or with the four contained, → the domain's referral, the same record
 * POST /referrals carries. Or every problem found, each named by its FHIRPath location and never by its
 * value (a value may be PHI). Reads the JSON defensively: the input is whatever a sender posted.
 */
import type { Referral } from '@careflow/domain';
import { referralSchema } from '@careflow/domain';
import { careflow, systems } from './systems';

/** One thing wrong with an inbound resource: where (FHIRPath) and what, never the value. */
export interface FhirProblem {
  readonly location: string;
  readonly message: string;
}

/** The referral, and the department it is sent to when the ServiceRequest names one as its performer. */
export type ReferralFromFhir =
  { readonly referral: Referral; readonly departmentId?: string } | { readonly problems: readonly FhirProblem[] };

type Json = Readonly<Record<string, unknown>>;

const asObject = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
const asArray = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);
/** The objects of a JSON array (anything else in it is skipped). */
const objects = (value: unknown): Json[] =>
  asArray(value).flatMap((item) => {
    const object = asObject(item);
    return object === undefined ? [] : [object];
  });
const asText = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

/** A resource found in the message and the FHIRPath it is reached by. */
interface Located {
  readonly resource: Json;
  readonly path: string;
  /** A Bundle entry's fullUrl, which references may use. */
  readonly fullUrl?: string;
}

/** Resolves a Reference.reference within the message: a Bundle entry or a contained resource. */
type Resolver = (reference: unknown, resourceType: string) => Located | undefined;

const bundleResolver =
  (entries: readonly Located[]): Resolver =>
  (reference, resourceType) => {
    const target = asText(asObject(reference)?.['reference']);
    if (target === undefined) return undefined;
    return entries.find(({ resource, fullUrl }) => {
      if (resource['resourceType'] !== resourceType) return false;
      const id = asText(resource['id']);
      const relative = id === undefined ? undefined : `${resourceType}/${id}`;
      return target === fullUrl || target === relative || (relative !== undefined && fullUrl?.endsWith(`/${relative}`) === true);
    });
  };

const containedResolver =
  (serviceRequest: Json): Resolver =>
  (reference, resourceType) => {
    const target = asText(asObject(reference)?.['reference']);
    if (target === undefined || !target.startsWith('#')) return undefined;
    const index = asArray(serviceRequest['contained']).findIndex((item) => {
      const resource = asObject(item);
      return resource?.['resourceType'] === resourceType && resource['id'] === target.slice(1);
    });
    const resource = asObject(asArray(serviceRequest['contained'])[index]);
    return resource === undefined ? undefined : { resource, path: `ServiceRequest.contained[${index}]` };
  };

/** The ServiceRequest and how to resolve its references, or why there is none. */
const locateServiceRequest = (input: unknown): { serviceRequest: Located; resolve: Resolver } | FhirProblem => {
  const root = asObject(input);
  if (root?.['resourceType'] === 'ServiceRequest') {
    return { serviceRequest: { resource: root, path: 'ServiceRequest' }, resolve: containedResolver(root) };
  }
  if (root?.['resourceType'] !== 'Bundle') {
    return { location: 'resourceType', message: 'must be ServiceRequest (with contained resources) or a transaction Bundle' };
  }
  if (root['type'] !== 'transaction') return { location: 'Bundle.type', message: 'must be transaction' };
  const entries = asArray(root['entry']).flatMap((item, index): Located[] => {
    const entry = asObject(item);
    const resource = asObject(entry?.['resource']);
    const fullUrl = asText(entry?.['fullUrl']);
    return resource === undefined
      ? []
      : [{ resource, path: `Bundle.entry[${index}].resource`, ...(fullUrl === undefined ? {} : { fullUrl }) }];
  });
  const serviceRequests = entries.filter(({ resource }) => resource['resourceType'] === 'ServiceRequest');
  const [serviceRequest] = serviceRequests;
  if (serviceRequests.length !== 1 || serviceRequest === undefined) {
    return { location: 'Bundle.entry', message: 'must hold exactly one ServiceRequest' };
  }
  return { serviceRequest, resolve: bundleResolver(entries) };
};

const codingsOf = (concept: unknown): Json[] => objects(asObject(concept)?.['coding']);

const codeIn = (concept: unknown, system: string): string | undefined =>
  codingsOf(concept)
    .filter((coding) => coding['system'] === system)
    .map((coding) => asText(coding['code']))
    .find((code) => code !== undefined);

/** The first identifier with the given system, or with the given type code (v2-0203). */
const identifierValue = (resource: Json, match: { system?: string; typeCode?: string }): { value?: string; index: number } => {
  const identifiers = asArray(resource['identifier']).map(asObject);
  const index = identifiers.findIndex(
    (identifier) =>
      identifier !== undefined &&
      (match.system === undefined || identifier['system'] === match.system) &&
      (match.typeCode === undefined || codeIn(identifier['type'], systems.identifierType) === match.typeCode),
  );
  return { value: asText(identifiers[index]?.['value']), index };
};

/** A HumanName as one line: its text, or prefix, given and family names. */
const nameOf = (resource: Json): string | undefined => {
  const names = objects(resource['name']);
  const name = names.find((n) => n['use'] === 'official' || n['use'] === 'usual') ?? names[0];
  if (name === undefined) return undefined;
  const parts = [...asArray(name['prefix']), ...asArray(name['given']), name['family']].flatMap((part) => asText(part) ?? []);
  return asText(name['text']) ?? (parts.length === 0 ? undefined : parts.join(' '));
};

const isoDatePrefix = (value: unknown): string | undefined => {
  const text = asText(value);
  return text !== undefined && /^\d{4}-\d{2}-\d{2}/.test(text) ? text.slice(0, 10) : undefined;
};

const genders = ['female', 'male', 'other', 'unknown'] as const;
type Gender = (typeof genders)[number];
const isGender = (value: unknown): value is Gender => genders.some((gender) => gender === value);

/** FHIR's four request priorities in the clinic's two. */
const priorityOf = (value: unknown): Referral['priority'] => {
  switch (value) {
    case 'routine':
      return 'routine';
    case 'urgent':
    case 'asap':
    case 'stat':
      return 'urgent';
    default:
      return undefined;
  }
};

/** ICD-10-CM codes of malignant neoplasms (C…) and of a personal history of one (Z85…). */
const isCancerCode = (code: string): boolean => code.startsWith('C') || code.startsWith('Z85');

/** Builds the referral field by field; each field remembers its FHIR location for the schema's problems. */
class ReferralReader {
  readonly problems: FhirProblem[] = [];
  /** Referral field path (dot-separated) → FHIRPath location it came from. */
  readonly locations = new Map<string, string>();

  constructor(private readonly resolve: Resolver) {}

  problem(location: string, message: string): undefined {
    this.problems.push({ location, message });
    return undefined;
  }

  /** A required value, or a problem at its location. */
  required<T>(field: string, location: string, value: T | undefined, message: string): T | undefined {
    this.locations.set(field, location);
    return value === undefined ? this.problem(location, message) : value;
  }

  reference(owner: Located, element: string, resourceType: string): Located | undefined {
    const location = `${owner.path}.${element}`;
    const reference = asObject(owner.resource[element]);
    if (reference === undefined) return this.problem(location, `must reference the ${resourceType}`);
    return (
      this.resolve(reference, resourceType) ??
      this.problem(location, `must reference a ${resourceType} in the Bundle (or contained in the ServiceRequest)`)
    );
  }

  patient(serviceRequest: Located): Referral['patient'] | undefined {
    const patient = this.reference(serviceRequest, 'subject', 'Patient');
    if (patient === undefined) return undefined;
    const { resource, path } = patient;
    const mrn = identifierValue(resource, { typeCode: 'MR' });
    const addresses = objects(resource['address']);
    const homeIndex = Math.max(
      0,
      addresses.findIndex((address) => address['use'] === 'home'),
    );
    const gender = resource['gender'];
    const fields = {
      mrn: this.required(
        'patient.mrn',
        `${path}.identifier`,
        mrn.value,
        'must hold the medical record number (an identifier of type MR) with a value',
      ),
      name: this.required('patient.name', `${path}.name`, nameOf(resource), "must hold the patient's name"),
      birthDate: this.required(
        'patient.birthDate',
        `${path}.birthDate`,
        asText(resource['birthDate'])?.match(/^\d{4}-\d{2}-\d{2}$/) ? asText(resource['birthDate']) : undefined,
        'must be a full date (YYYY-MM-DD)',
      ),
      sex: this.required('patient.sex', `${path}.gender`, isGender(gender) ? gender : undefined, 'must be female, male, other or unknown'),
      stateOfResidence: this.required(
        'patient.stateOfResidence',
        `${path}.address[${homeIndex}].state`,
        asText(addresses[homeIndex]?.['state']),
        'must be the two-letter state of residence',
      ),
    };
    this.locations.set('patient', path);
    const { mrn: m, name, birthDate, sex, stateOfResidence } = fields;
    return m && name && birthDate && sex && stateOfResidence ? { mrn: m, name, birthDate, sex, stateOfResidence } : undefined;
  }

  practitioner(serviceRequest: Located): Referral['referringProvider'] | undefined {
    const practitioner = this.reference(serviceRequest, 'requester', 'Practitioner');
    if (practitioner === undefined) return undefined;
    const { resource, path } = practitioner;
    const qualification = asObject(asArray(resource['qualification'])[0]);
    const credential = asText(codingsOf(qualification?.['code'])[0]?.['code']) ?? asText(asObject(qualification?.['code'])?.['text']);
    this.locations.set('referringProvider', path);
    const name = this.required('referringProvider.name', `${path}.name`, nameOf(resource), "must hold the practitioner's name");
    const npi = this.required(
      'referringProvider.npi',
      `${path}.identifier`,
      identifierValue(resource, { system: systems.npi }).value,
      `must hold the NPI (an identifier with system ${systems.npi})`,
    );
    const degree = this.required(
      'referringProvider.credential',
      `${path}.qualification[0].code`,
      credential,
      'must hold the credential (MD, DO, NP, PA …)',
    );
    return name && npi && degree ? { name, npi, credential: degree } : undefined;
  }

  /** ICD-10-CM codes of the Conditions the ServiceRequest gives as reasons, and of its reason codes. */
  diagnosisCodes(serviceRequest: Located): string[] | undefined {
    const { resource, path } = serviceRequest;
    const fromConditions = asArray(resource['reasonReference']).flatMap((reference, index) => {
      const condition = this.resolve(reference, 'Condition');
      if (condition === undefined) {
        return this.problem(`${path}.reasonReference[${index}]`, 'must reference a Condition in the Bundle (or contained)') ?? [];
      }
      return (
        codeIn(condition.resource['code'], systems.icd10cm) ??
        this.problem(`${condition.path}.code`, `must have a coding with system ${systems.icd10cm}`) ??
        []
      );
    });
    const fromCodes = asArray(resource['reasonCode']).flatMap((concept) => codeIn(concept, systems.icd10cm) ?? []);
    const codes = [...new Set([...fromConditions, ...fromCodes])];
    this.locations.set('diagnosisCodes', `${path}.reasonReference`);
    return codes.length > 0 ? codes : this.problem(`${path}.reasonReference`, 'must give at least one Condition coded in ICD-10-CM');
  }

  payer(serviceRequest: Located): Referral['payer'] | undefined {
    const { resource, path } = serviceRequest;
    const coverage = this.resolve(asArray(resource['insurance'])[0], 'Coverage');
    if (coverage === undefined) return this.problem(`${path}.insurance`, 'must reference the Coverage in the Bundle (or contained)');
    const payor = asObject(asArray(coverage.resource['payor'])[0]);
    const organization = this.resolve(payor, 'Organization');
    const payerId =
      asText(asObject(payor?.['identifier'])?.['value']) ??
      (organization === undefined ? undefined : identifierValue(organization.resource, {}).value);
    const memberId = asText(coverage.resource['subscriberId']) ?? identifierValue(coverage.resource, { typeCode: 'MB' }).value;
    this.locations.set('payer', coverage.path);
    this.locations.set('payer.memberId', `${coverage.path}.subscriberId`);
    const id = this.required(
      'payer.payerId',
      `${coverage.path}.payor[0]`,
      payerId,
      "must identify the payer (the payor's identifier, or an Organization with one)",
    );
    return id === undefined ? undefined : { payerId: id, ...(memberId === undefined ? {} : { memberId }) };
  }

  /** The department a performer names: by a logical reference, or an Organization with its identifier. */
  departmentId(serviceRequest: Located): string | undefined {
    return asArray(serviceRequest.resource['performer'])
      .map((reference) => {
        const identifier = asObject(asObject(reference)?.['identifier']);
        if (identifier?.['system'] === careflow.departmentId) return asText(identifier['value']);
        const organization = this.resolve(reference, 'Organization');
        return organization === undefined ? undefined : identifierValue(organization.resource, { system: careflow.departmentId }).value;
      })
      .find((departmentId) => departmentId !== undefined);
  }

  /** True when the supporting information names a malignancy or a history of one; absent when it names no Condition. */
  cancerHistory(serviceRequest: Located): boolean | undefined {
    const codes = asArray(serviceRequest.resource['supportingInfo']).flatMap((reference) => {
      const condition = this.resolve(reference, 'Condition');
      return condition === undefined ? [] : (codeIn(condition.resource['code'], systems.icd10cm) ?? []);
    });
    return codes.length === 0 ? undefined : codes.some(isCancerCode);
  }
}

/** The FHIR location of a referral field: the nearest field (or parent field) whose origin is known. */
const locationOf = (reader: ReferralReader, fieldPath: readonly PropertyKey[], fallback: string): string => {
  for (let length = fieldPath.length; length > 0; length -= 1) {
    const location = reader.locations.get(fieldPath.slice(0, length).map(String).join('.'));
    if (location !== undefined) return location;
  }
  return fallback;
};

export const referralFromFhir = (input: unknown): ReferralFromFhir => {
  const located = locateServiceRequest(input);
  if ('location' in located) return { problems: [located] };
  const { serviceRequest, resolve } = located;
  const { resource, path } = serviceRequest;
  const reader = new ReferralReader(resolve);

  if (resource['status'] !== 'active') reader.problem(`${path}.status`, 'must be active for a referral to be received');
  if (resource['intent'] !== 'order' && resource['intent'] !== 'original-order') {
    reader.problem(`${path}.intent`, 'must be order (or original-order)');
  }
  const referralId = reader.required(
    'referralId',
    `${path}.identifier`,
    identifierValue(resource, { system: careflow.referralId }).value ?? identifierValue(resource, {}).value,
    "must hold the referral's identifier",
  );
  const patient = reader.patient(serviceRequest);
  const referringProvider = reader.practitioner(serviceRequest);
  const diagnosisCodes = reader.diagnosisCodes(serviceRequest);
  const code = asObject(resource['code']);
  const firstCoding = codingsOf(code)[0];
  const orderedService = reader.required(
    'orderedService',
    `${path}.code`,
    asText(code?.['text']) ?? asText(firstCoding?.['display']) ?? asText(firstCoding?.['code']),
    'must name the ordered service (text or a coding)',
  );
  const referralDate = reader.required(
    'referralDate',
    `${path}.authoredOn`,
    isoDatePrefix(resource['authoredOn']),
    'must be the date the order was written',
  );
  const payer = reader.payer(serviceRequest);
  const bodyRegions = asArray(resource['bodySite']).flatMap((site) => codeIn(site, careflow.bodyRegion) ?? []);
  reader.locations.set('bodyRegions', `${path}.bodySite`);
  const precautions = asArray(resource['note']).flatMap((note) => asText(asObject(note)?.['text']) ?? []);
  reader.locations.set('precautions', `${path}.note`);
  const priority = priorityOf(resource['priority']);
  const cancerHistory = reader.cancerHistory(serviceRequest);
  const departmentId = reader.departmentId(serviceRequest);

  if (reader.problems.length > 0) return { problems: reader.problems };
  const parsed = referralSchema.safeParse({
    referralId,
    patient,
    referringProvider,
    diagnosisCodes,
    orderedService,
    referralDate,
    payer,
    ...(bodyRegions.length === 0 ? {} : { bodyRegions }),
    ...(precautions.length === 0 ? {} : { precautions }),
    ...(priority === undefined ? {} : { priority }),
    ...(cancerHistory === undefined ? {} : { cancerHistory }),
  });
  if (parsed.success) return { referral: parsed.data, ...(departmentId === undefined ? {} : { departmentId }) };
  // The domain's own limits (lengths, codes, lists), each named at the FHIR element it came from.
  return {
    problems: parsed.error.issues.map((issue) => ({ location: locationOf(reader, issue.path, path), message: issue.message })),
  };
};
