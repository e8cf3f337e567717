/**
 * The published language on Kafka: one schema per care-episode event type and version. Each carries
 * what consumers (billing, reporting, the referrer's closed loop) need and no direct identifier of
 * the patient: no name, MRN, birth date, address, phone or member id, and no free text (notes,
 * narratives, reasons typed by a person), which may contain any of them. docs/integration-events.md
 * lists, per type, what each carries and what was left out.
 *
 * A schema may only change compatibly within its version (an optional field added, an enum value
 * added); anything else is a new version with a schema of its own, next to the old one.
 */
import { z } from 'zod';
import {
  bodyRegions,
  careRoles,
  certificationStandings,
  clearanceSignalRefusalReasons,
  contraindicationConditions,
  dischargeReasons,
  outcomeMeasures,
  plateauDecisions,
  pressureLevels,
  reevaluationReasons,
  techniques,
  therapyThresholdKinds,
  timedCodes,
  type CareEpisodeEventType,
  type EscalationReason,
  type ExclusionRule,
  type GoalStatus,
  type Severity,
  type SpecialtyCertificate,
  type UntimedCode,
} from '@careflow/domain';
import { conformsExactly } from '../exact-conformance';
import { cents, code, count, id, isoDate, isoInstant, listOf, measureValue, oneOf, record } from './fields';

/** A keyed hash of the facility and the MRN (hex HMAC-SHA-256): consumers total per patient without knowing who. */
export const patientKeySchema = z.string().regex(/^[0-9a-f]{64}$/);

const region = oneOf(bodyRegions);
const regions = listOf(region);
const technique = oneOf(techniques);
const measure = oneOf(outcomeMeasures);
const measurement = record({ measure, value: measureValue });
const measurements = listOf(measurement);
/** A physician, NP or PA: by NPI and credential; the NPI names the practitioner for whoever needs more. */
const practitioner = record({ npi: code, credential: code });
const sessionLine = record({ code: oneOf(timedCodes), minutes: count, bodyRegions: regions });
const regionPressure = record({ bodyRegion: region, pressure: oneOf(pressureLevels), technique: technique.optional() });
const goalStatus = oneOf(['achieved', 'improving', 'no-change', 'worsening'] as const satisfies readonly GoalStatus[]);
const severity = oneOf(['absolute', 'relative'] as const satisfies readonly Severity[]);
const specialtyCertificate = oneOf([
  'oncology-massage',
  'manual-lymph-drainage',
  'prenatal',
  'geriatric',
  'sports',
  'orthopedic',
] as const satisfies readonly SpecialtyCertificate[]);
const exclusionRule = oneOf([
  'no-license-in-state',
  'license-expired-on-referral-date',
  'license-expires-before-plan-end',
  'missing-required-certificate',
  'certificate-expired-on-referral-date',
  'certificate-expires-before-plan-end',
  'caseload-full',
] as const satisfies readonly ExclusionRule[]);
const escalationReason = oneOf([
  'no-eligible-therapist',
  'offer-limit-reached',
  'candidates-exhausted',
  'requested',
] as const satisfies ReadonlyArray<EscalationReason | 'requested'>);
const evaluationCode = oneOf(['97161', '97162', '97163'] as const satisfies ReadonlyArray<Exclude<UntimedCode, '97164'>>);

const finding = record({
  findingId: id,
  condition: oneOf(contraindicationConditions),
  occurredOn: isoDate.optional(),
  bodyRegions: regions.optional(),
});
const techniqueRestriction = z.discriminatedUnion('kind', [
  record({ kind: z.literal('technique'), technique }),
  record({ kind: z.literal('pressure'), max: oneOf(pressureLevels), regions, technique: technique.optional() }),
  record({ kind: z.literal('site'), regions }),
]);
const authorization = record({ visits: count.optional(), endDate: isoDate.optional() });
const plan = record({
  goals: listOf(record({ goalId: id, measure, baseline: measureValue, target: measureValue, targetDate: isoDate })),
  primaryMeasure: measure,
  techniques: listOf(technique),
  frequencyPerWeek: count,
  durationWeeks: count,
  bodyRegions: regions.optional(),
});
const candidate = record({ therapistId: id, score: z.number() });

/** What every integration event carries besides its own facts. */
const envelope = {
  episodeId: id,
  patientKey: patientKeySchema,
  /** The department the episode belongs to (an id, not PHI); absent on events recorded before it was kept. */
  departmentId: id.optional(),
  occurredAt: isoInstant,
  /** Staff or system account id and role: never a patient. */
  actor: record({ userId: id, role: code }),
};
const data = <S extends z.ZodRawShape>(shape: S) => record({ ...envelope, ...shape });

const v1 = {
  ReferralReceived: data({
    referralId: id,
    diagnosisCodes: listOf(code),
    referralDate: isoDate,
    validThrough: isoDate,
    referringProviderNpi: code,
    payerId: id,
    bodyRegions: regions.optional(),
    authorization: authorization.optional(),
    priority: oneOf(['routine', 'urgent']).optional(),
    cancerHistory: z.boolean().optional(),
  }),
  ReferralRouted: data({
    referralDate: isoDate,
    expectedPlanEnd: isoDate,
    diagnosisCodes: listOf(code),
    cancerHistory: z.boolean(),
    previousTherapistIds: listOf(id),
    ranked: listOf(candidate),
    excluded: listOf(record({ therapistId: id, score: z.number(), rules: listOf(exclusionRule) })),
    requiredCertificates: listOf(specialtyCertificate),
    preferredCertificates: listOf(specialtyCertificate),
  }),
  TherapistOffered: data({ therapistId: id, expiresAt: isoInstant, byLead: z.boolean() }),
  OfferAccepted: data({ therapistId: id }),
  OfferDeclined: data({ therapistId: id }),
  OfferExpired: data({ therapistId: id }),
  RoutingEscalated: data({ reason: escalationReason }),
  ReferralDeclined: data({}),
  IntakeRecorded: data({ findings: listOf(finding) }),
  ContraindicationFlagged: data({
    findingId: id,
    condition: oneOf(contraindicationConditions),
    severity,
    restrictions: listOf(techniqueRestriction),
    site: regions.optional(),
  }),
  ClearanceRequested: data({ findingId: id, referringProviderNpi: code }),
  ClearanceGranted: data({ findingId: id, clearedBy: practitioner, clearedOn: isoDate }),
  EpisodePutOnHold: data({ reason: oneOf(['contraindication', 'requested']) }),
  EpisodeResumed: data({}),
  AssessmentRecorded: data({
    assessedOn: isoDate,
    painRegions: regions,
    measures: measurements,
    evaluationCode: evaluationCode.optional(),
  }),
  PlanOfCareEstablished: data({ plan, planVersion: count, periodStart: isoDate, periodEnd: isoDate }),
  PlanOfCareRevised: data({
    plan,
    planVersion: count,
    materialChanges: listOf(oneOf(['frequency', 'duration', 'goals'])),
    recertificationRequired: z.boolean(),
    periodEnd: isoDate,
  }),
  PlanOfCareCertified: data({ certifier: practitioner, signedOn: isoDate, timely: z.boolean() }),
  VerbalOrderReceived: data({ certifier: practitioner, orderedOn: isoDate, timely: z.boolean(), signatureDueOn: isoDate }),
  VerbalOrderSigned: data({ signedOn: isoDate, timely: z.boolean() }),
  PlanOfCareRecertified: data({ certifier: practitioner, signedOn: isoDate, periodStart: isoDate, periodEnd: isoDate }),
  OrderRenewed: data({ orderedBy: practitioner, orderedOn: isoDate, validThrough: isoDate }),
  AuthorizationRecorded: data({ addedVisits: count.optional(), endDate: isoDate.optional(), authorization }),
  SessionRecorded: data({
    sessionId: id,
    date: isoDate,
    therapistId: id,
    lines: listOf(sessionLine),
    techniques: listOf(technique),
    pressure: listOf(regionPressure),
    painBefore: count.optional(),
    painAfter: count.optional(),
    adverseEventCount: count,
    selfPay: z.boolean(),
    visitNumber: count,
    newTreatmentDay: z.boolean(),
    treatmentDaysInPeriod: count,
    certificationStanding: oneOf(certificationStandings),
  }),
  ProgressReportDueSoon: data({ treatmentDaysInPeriod: count }),
  ProgressReportDue: data({ basis: oneOf(['treatment-days', 'calendar-days']) }),
  SessionPaused: data({ sessionId: id }),
  SessionResumed: data({
    sessionId: id,
    lines: listOf(sessionLine),
    techniques: listOf(technique),
    pressure: listOf(regionPressure),
  }),
  SessionCancelled: data({ sessionId: id, date: isoDate, cancelledBy: oneOf(['patient', 'clinic']) }),
  NoShowRecorded: data({ sessionId: id, date: isoDate, consecutiveNoShows: count }),
  NoShowDischargePromptRaised: data({ consecutiveNoShows: count }),
  NoteSigned: data({ sessionId: id }),
  AddendumAdded: data({ sessionId: id, addendumId: id, correctedLines: listOf(sessionLine).optional() }),
  CorrectedClaimRequired: data({ sessionId: id, addendumId: id, changedFields: listOf(code) }),
  ProgressReportRecorded: data({
    reportId: id,
    reportedOn: isoDate,
    measures: measurements,
    goals: listOf(record({ goalId: id, measure, value: measureValue, status: goalStatus })),
    treatmentDaysInPeriod: count,
  }),
  PlateauDetected: data({ measure, values: listOf(measureValue) }),
  PlateauDecisionRecorded: data({ decision: oneOf(plateauDecisions) }),
  ReevaluationRecorded: data({
    reevaluationId: id,
    reevaluatedOn: isoDate,
    reason: oneOf(reevaluationReasons),
    measures: measurements,
    billAsReevaluation: z.boolean(),
  }),
  EpisodeDischarged: data({
    dischargedOn: isoDate,
    reason: oneOf(dischargeReasons),
    measures: listOf(
      record({
        measure,
        baseline: measureValue,
        atDischarge: measureValue,
        improvement: measureValue,
        clinicallyImportant: z.boolean(),
      }),
    ),
    goals: listOf(record({ goalId: id, measure, target: measureValue, status: goalStatus })),
    sessionsDelivered: count,
    noShows: count,
    cancellations: count,
  }),
  EpisodeCancelled: data({}),
  ReferringProviderNoticeIssued: data({
    notice: oneOf([
      'referral-accepted',
      'referral-declined',
      'order-renewed',
      'authorization-recorded',
      'progress-report',
      'discharge-summary',
      'episode-cancelled',
    ]),
    referralId: id,
    referringProviderNpi: code,
    reportId: id.optional(),
  }),
  TherapyThresholdCrossed: data({
    payerId: id,
    year: z.int().min(1900).max(9999),
    threshold: oneOf(therapyThresholdKinds),
    sessionId: id,
    thresholdCents: cents,
    yearToDateBeforeCents: cents,
    yearToDateAfterCents: cents,
  }),
  CertificationDelinquent: data({ dueOn: isoDate }),
  SessionsCertificationDelinquent: data({
    sessionIds: listOf(id),
    cause: oneOf(['certification-deadline-passed', 'late-certification']),
  }),
  VerbalOrderDelinquent: data({ dueOn: isoDate }),
  CertifiedPeriodEnded: data({ periodEnd: isoDate }),
  AuthorizationEnded: data({ endDate: isoDate }),
  NoteSignatureOverdue: data({ sessionId: id, overdueSince: isoInstant }),
  ClearanceSignalRefused: data({
    claimedRole: oneOf([...careRoles, 'unknown']),
    reason: oneOf(clearanceSignalRefusalReasons),
    // A code, not an enumeration of today's codes: the domain retires codes, which would break the schema.
    refusalCode: code.optional(),
  }),
} satisfies { readonly [T in CareEpisodeEventType]: z.ZodType };

/**
 * Every published schema by type and version. Versions of a type stay here as long as a topic or a
 * rebuild may still hold messages of them; the producer emits the current one.
 */
export const integrationEventSchemas = {
  ReferralReceived: { 1: v1.ReferralReceived },
  ReferralRouted: { 1: v1.ReferralRouted },
  TherapistOffered: { 1: v1.TherapistOffered },
  OfferAccepted: { 1: v1.OfferAccepted },
  OfferDeclined: { 1: v1.OfferDeclined },
  OfferExpired: { 1: v1.OfferExpired },
  RoutingEscalated: { 1: v1.RoutingEscalated },
  ReferralDeclined: { 1: v1.ReferralDeclined },
  IntakeRecorded: { 1: v1.IntakeRecorded },
  ContraindicationFlagged: { 1: v1.ContraindicationFlagged },
  ClearanceRequested: { 1: v1.ClearanceRequested },
  ClearanceGranted: { 1: v1.ClearanceGranted },
  EpisodePutOnHold: { 1: v1.EpisodePutOnHold },
  EpisodeResumed: { 1: v1.EpisodeResumed },
  AssessmentRecorded: { 1: v1.AssessmentRecorded },
  PlanOfCareEstablished: { 1: v1.PlanOfCareEstablished },
  PlanOfCareRevised: { 1: v1.PlanOfCareRevised },
  PlanOfCareCertified: { 1: v1.PlanOfCareCertified },
  VerbalOrderReceived: { 1: v1.VerbalOrderReceived },
  VerbalOrderSigned: { 1: v1.VerbalOrderSigned },
  PlanOfCareRecertified: { 1: v1.PlanOfCareRecertified },
  OrderRenewed: { 1: v1.OrderRenewed },
  AuthorizationRecorded: { 1: v1.AuthorizationRecorded },
  SessionRecorded: { 1: v1.SessionRecorded },
  ProgressReportDueSoon: { 1: v1.ProgressReportDueSoon },
  ProgressReportDue: { 1: v1.ProgressReportDue },
  SessionPaused: { 1: v1.SessionPaused },
  SessionResumed: { 1: v1.SessionResumed },
  SessionCancelled: { 1: v1.SessionCancelled },
  NoShowRecorded: { 1: v1.NoShowRecorded },
  NoShowDischargePromptRaised: { 1: v1.NoShowDischargePromptRaised },
  NoteSigned: { 1: v1.NoteSigned },
  AddendumAdded: { 1: v1.AddendumAdded },
  CorrectedClaimRequired: { 1: v1.CorrectedClaimRequired },
  ProgressReportRecorded: { 1: v1.ProgressReportRecorded },
  PlateauDetected: { 1: v1.PlateauDetected },
  PlateauDecisionRecorded: { 1: v1.PlateauDecisionRecorded },
  ReevaluationRecorded: { 1: v1.ReevaluationRecorded },
  EpisodeDischarged: { 1: v1.EpisodeDischarged },
  EpisodeCancelled: { 1: v1.EpisodeCancelled },
  ReferringProviderNoticeIssued: { 1: v1.ReferringProviderNoticeIssued },
  TherapyThresholdCrossed: { 1: v1.TherapyThresholdCrossed },
  CertificationDelinquent: { 1: v1.CertificationDelinquent },
  SessionsCertificationDelinquent: { 1: v1.SessionsCertificationDelinquent },
  VerbalOrderDelinquent: { 1: v1.VerbalOrderDelinquent },
  CertifiedPeriodEnded: { 1: v1.CertifiedPeriodEnded },
  AuthorizationEnded: { 1: v1.AuthorizationEnded },
  NoteSignatureOverdue: { 1: v1.NoteSignatureOverdue },
  ClearanceSignalRefused: { 1: v1.ClearanceSignalRefused },
} as const satisfies { readonly [T in CareEpisodeEventType]: Readonly<Record<number, z.ZodType>> };

/** The version the producer emits for each type. */
export const currentIntegrationEventVersions = {
  ReferralReceived: 1,
  ReferralRouted: 1,
  TherapistOffered: 1,
  OfferAccepted: 1,
  OfferDeclined: 1,
  OfferExpired: 1,
  RoutingEscalated: 1,
  ReferralDeclined: 1,
  IntakeRecorded: 1,
  ContraindicationFlagged: 1,
  ClearanceRequested: 1,
  ClearanceGranted: 1,
  EpisodePutOnHold: 1,
  EpisodeResumed: 1,
  AssessmentRecorded: 1,
  PlanOfCareEstablished: 1,
  PlanOfCareRevised: 1,
  PlanOfCareCertified: 1,
  VerbalOrderReceived: 1,
  VerbalOrderSigned: 1,
  PlanOfCareRecertified: 1,
  OrderRenewed: 1,
  AuthorizationRecorded: 1,
  SessionRecorded: 1,
  ProgressReportDueSoon: 1,
  ProgressReportDue: 1,
  SessionPaused: 1,
  SessionResumed: 1,
  SessionCancelled: 1,
  NoShowRecorded: 1,
  NoShowDischargePromptRaised: 1,
  NoteSigned: 1,
  AddendumAdded: 1,
  CorrectedClaimRequired: 1,
  ProgressReportRecorded: 1,
  PlateauDetected: 1,
  PlateauDecisionRecorded: 1,
  ReevaluationRecorded: 1,
  EpisodeDischarged: 1,
  EpisodeCancelled: 1,
  ReferringProviderNoticeIssued: 1,
  TherapyThresholdCrossed: 1,
  CertificationDelinquent: 1,
  SessionsCertificationDelinquent: 1,
  VerbalOrderDelinquent: 1,
  CertifiedPeriodEnded: 1,
  AuthorizationEnded: 1,
  NoteSignatureOverdue: 1,
  ClearanceSignalRefused: 1,
} as const satisfies { readonly [T in CareEpisodeEventType]: keyof (typeof integrationEventSchemas)[T] };

export type IntegrationEventType = CareEpisodeEventType;
type CurrentSchema<T extends IntegrationEventType> = (typeof integrationEventSchemas)[T][(typeof currentIntegrationEventVersions)[T]];
/** The data of the current version of type T, as it goes on the topic. */
export type IntegrationEventData<T extends IntegrationEventType> = z.infer<CurrentSchema<T>>;

/** An integration event of the current version: its type, schema version and data (the Kafka value). */
export type IntegrationEvent = {
  [T in IntegrationEventType]: {
    readonly type: T;
    readonly version: (typeof currentIntegrationEventVersions)[T];
    readonly data: IntegrationEventData<T>;
  };
}[IntegrationEventType];

type AnyVersion<T extends IntegrationEventType> = {
  [V in keyof (typeof integrationEventSchemas)[T] & number]: {
    readonly type: T;
    readonly version: V;
    readonly data: z.infer<(typeof integrationEventSchemas)[T][V] & z.ZodType>;
  };
}[keyof (typeof integrationEventSchemas)[T] & number];
/** An integration event of any published version, as a consumer may receive it. */
export type PublishedIntegrationEvent = { [T in IntegrationEventType]: AnyVersion<T> }[IntegrationEventType];

/** The schema of one type and version, or undefined when that version was never published. */
export const integrationEventSchema = (type: IntegrationEventType, version: number): z.ZodType | undefined =>
  (integrationEventSchemas[type] as Readonly<Record<number, z.ZodType>>)[version];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Paths of fields in `given` that the parse dropped: fields the schema does not publish. */
export const unpublishedFields = (given: unknown, published: unknown, path: string): string[] => {
  if (Array.isArray(given) && Array.isArray(published)) {
    return given.flatMap((item, index) => unpublishedFields(item, published[index], `${path}[${index}]`));
  }
  if (!isObject(given) || !isObject(published)) return [];
  return Object.keys(given).flatMap((key) => {
    const field = path === '' ? key : `${path}.${key}`;
    return key in published ? unpublishedFields(given[key], published[key], field) : [field];
  });
};

/**
 * Everything wrong with `data` as the published data of `type` v`version`: each problem as the
 * path of a field (never its value), including fields the schema does not publish. Empty when the
 * data may go on a topic exactly as it is.
 */
export const publishedDataProblems = (type: IntegrationEventType, version: number, data: unknown): string[] => {
  const schema = integrationEventSchema(type, version);
  if (schema === undefined) return [`${type} has no published version ${version}`];
  if (conformsExactly(schema, data)) return [];
  const parsed = schema.safeParse(data);
  if (!parsed.success) return parsed.error.issues.map((issue) => `${issue.path.join('.') || '(the event)'} is not as published`);
  return unpublishedFields(data, parsed.data, '').map((field) => `${field} is not published`);
};
