/**
 * The code systems and identifier systems the FHIR mapping uses (docs/fhir.md). Standard systems where
 * a standard code exists; Careflow's own `urn:careflow:` systems for the clinic's closed lists
 * (body regions, techniques, outcome measures, notices) that no standard names.
 */
import type { Coding } from 'fhir/r4';
import type { OutcomeMeasure } from '@careflow/domain';

export const systems = {
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
  npi: 'http://hl7.org/fhir/sid/us-npi',
  loinc: 'http://loinc.org',
  cpt: 'http://www.ama-assn.org/go/cpt',
  ucum: 'http://unitsofmeasure.org',
  identifierType: 'http://terminology.hl7.org/CodeSystem/v2-0203',
  degree: 'http://terminology.hl7.org/CodeSystem/v2-0360',
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  conditionCategory: 'http://terminology.hl7.org/CodeSystem/condition-category',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  goalAchievement: 'http://terminology.hl7.org/CodeSystem/goal-achievement',
  communicationCategory: 'http://terminology.hl7.org/CodeSystem/communication-category',
  taskCode: 'http://hl7.org/fhir/CodeSystem/task-code',
  episodeOfCareType: 'http://terminology.hl7.org/CodeSystem/episodeofcare-type',
  carePlanCategory: 'http://hl7.org/fhir/us/core/CodeSystem/careplan-category',
} as const;

/** Careflow's own identifier and code systems. */
export const careflow = {
  episodeId: 'urn:careflow:episode-id',
  departmentId: 'urn:careflow:department-id',
  referralId: 'urn:careflow:referral-id',
  payerId: 'urn:careflow:payer-id',
  therapistId: 'urn:careflow:therapist-id',
  sessionId: 'urn:careflow:session-id',
  goalId: 'urn:careflow:goal-id',
  bodyRegion: 'urn:careflow:body-region',
  technique: 'urn:careflow:technique',
  outcomeMeasure: 'urn:careflow:outcome-measure',
  referralNotice: 'urn:careflow:referral-notice',
} as const;

/**
 * LOINC codes of the outcome measures, where LOINC has one: NPRS is "Pain severity - 0-10 verbal
 * numeric rating [Score] - Reported", ODI the "Oswestry disability index score". LOINC has no code for
 * the Neck Disability Index or the Patient-Specific Functional Scale score, so those carry only
 * Careflow's own code.
 */
export const loincOfMeasure: Readonly<Record<OutcomeMeasure, Coding | undefined>> = {
  NPRS: { system: systems.loinc, code: '72514-3', display: 'Pain severity - 0-10 verbal numeric rating [Score] - Reported' },
  ODI: { system: systems.loinc, code: '97909-6', display: 'Oswestry disability index score ODI' },
  NDI: undefined,
  PSFS: undefined,
};
