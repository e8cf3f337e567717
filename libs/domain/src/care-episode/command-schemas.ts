/**
 * The shape of every command as a zod schema, checked before any rule runs, so `decide` refuses
 * malformed input with INVALID_COMMAND (or INVALID_REFERRAL) instead of deciding on it. Objects are
 * strict and every text and list is bounded, so whatever is accepted can be stored as events.
 */
import { z } from 'zod';
import { therapyThresholdKinds, timedCodes } from '../billing';
import { DomainError, domainErrorCodes, type DomainErrorCode } from '../errors';
import type { SpecialtyCertificate } from '../routing';
import { bodyRegions, pressureLevels, techniques } from '../rules/catalogue';
import { contraindicationConditions } from '../rules/contraindications';
import { dischargeReasons } from '../rules/discharge';
import { outcomeMeasures } from '../rules/outcome-measures';
import { plateauDecisions } from '../rules/plateau';
import { medicationClasses } from '../rules/screening-lists';
import {
  boolean,
  decimal,
  firstProblem,
  identifier,
  integer,
  isoDate,
  isoInstant,
  list,
  maxCommandBytes,
  oneOf,
  record,
  text,
  uniqueBy,
  withinBytes,
} from '../validation';
import {
  clearanceSignalRefusalReasons,
  deadlineKinds,
  reevaluationReasons,
  type CareEpisodeCommand,
  type CareEpisodeCommandType,
  type CommandOf,
} from './commands';
import { careRoles } from './roles';

const id = identifier();
const shortText = text(500);
const longText = text(20_000);
const texts = list(shortText, { max: 100 });
const region = oneOf(bodyRegions);
const regions = list(region, { max: bodyRegions.length });
const stateCode = identifier(2);
const cents = integer(0, Number.MAX_SAFE_INTEGER);

const actor = record({ userId: id, role: identifier(100) });

const measurement = record({ measure: oneOf(outcomeMeasures), value: decimal(0, 100) });
const measurements = list(measurement, { max: outcomeMeasures.length });

const practitioner = record({ name: shortText, npi: identifier(10), credential: identifier(20) });

const referral = record({
  referralId: id,
  patient: record({
    mrn: id,
    name: shortText,
    birthDate: isoDate,
    sex: oneOf(['female', 'male', 'other', 'unknown']),
    stateOfResidence: stateCode,
  }),
  referringProvider: practitioner,
  diagnosisCodes: list(identifier(10), { min: 1, max: 12 }),
  orderedService: shortText,
  referralDate: isoDate,
  payer: record({ payerId: id, memberId: id.optional() }),
  bodyRegions: regions.optional(),
  precautions: texts.optional(),
  authorization: record({ visits: integer(0, 1000).optional(), endDate: isoDate.optional() }).optional(),
  priority: oneOf(['routine', 'urgent']).optional(),
  cancerHistory: boolean.optional(),
});

const license = record({ state: stateCode, number: id, expiresOn: isoDate });
const specialtyCertificates = [
  'oncology-massage',
  'manual-lymph-drainage',
  'prenatal',
  'geriatric',
  'sports',
  'orthopedic',
] as const satisfies readonly SpecialtyCertificate[];
const therapist = record({
  therapistId: id,
  departmentId: id,
  licenses: list(license, { max: 60 }),
  boardCertifications: list(shortText, { max: 20 }),
  specialtyCertificates: list(record({ certificate: oneOf(specialtyCertificates), expiresOn: isoDate }), { max: 60 }),
  activeEpisodeCount: integer(0, 10_000),
  caseloadLimit: integer(0, 10_000).optional(),
  availability: decimal(0, 1),
});

/**
 * Why a therapist's profile cannot be offered referrals (undefined when it can): the directory skips
 * such a profile instead of letting it refuse routing for the whole department.
 */
export const therapistProfileProblem = (value: unknown): string | undefined => {
  const parsed = therapist.safeParse(value);
  return parsed.success ? undefined : firstProblem(parsed.error, 'therapist');
};

const finding = record({
  findingId: id,
  condition: oneOf(contraindicationConditions),
  occurredOn: isoDate.optional(),
  bodyRegions: regions.optional(),
});

/** A medication as text, or by name with its class. */
const medication = z.union([shortText, record({ name: shortText, class: oneOf(medicationClasses).optional() })]);
const recentSurgery = record({ procedure: shortText, date: isoDate, bodyRegions: list(region, { min: 1, max: bodyRegions.length }) });

const intake = record({
  medicalHistory: texts,
  medications: list(medication, { max: 100 }),
  allergies: texts,
  recentSurgeries: list(recentSurgery, { max: 50 }),
  patientGoals: texts,
  pregnant: boolean.optional(),
  findings: uniqueBy(list(finding, { max: 50 }), 'findingId'),
});

const assessment = record({
  assessedOn: isoDate,
  specialTests: list(
    record({
      name: shortText,
      side: oneOf(['left', 'right', 'bilateral', 'not-applicable']),
      result: oneOf(['positive', 'negative']),
    }),
    { max: 100 },
  ),
  posturalFindings: texts,
  rangeOfMotion: list(record({ joint: shortText, motion: shortText, degrees: decimal(0, 360) }), { max: 100 }),
  painRegions: regions,
  measures: measurements,
  evaluationCode: oneOf(['97161', '97162', '97163']).optional(),
});

const goal = record({
  goalId: id,
  description: shortText,
  measure: oneOf(outcomeMeasures),
  baseline: decimal(0, 100),
  target: decimal(0, 100),
  targetDate: isoDate,
});

const plan = record({
  goals: uniqueBy(list(goal, { min: 1, max: 20 }), 'goalId'),
  primaryMeasure: oneOf(outcomeMeasures),
  techniques: list(oneOf(techniques), { min: 1, max: techniques.length }),
  frequencyPerWeek: integer(1, 7),
  durationWeeks: integer(1, 52),
  precautions: texts,
  bodyRegions: regions.optional(),
});

const sessionLine = record({
  code: oneOf(timedCodes),
  minutes: integer(0, 480),
  bodyRegions: regions,
});
const regionPressure = record({ bodyRegion: region, pressure: oneOf(pressureLevels), technique: oneOf(techniques).optional() });
/** One entry per region, or per region and technique. */
const pressures = list(regionPressure, { max: bodyRegions.length * techniques.length });
const sessionTechniques = list(oneOf(techniques), { max: techniques.length });
const nprs = integer(0, 10).optional();

const session = record({
  date: isoDate,
  therapist: record({ therapistId: id, licenseExpiresOn: isoDate }),
  lines: list(sessionLine, { min: 1, max: 20 }),
  techniques: sessionTechniques,
  pressure: pressures,
  patientFeedback: longText.optional(),
  painBefore: nprs,
  painAfter: nprs,
  adverseEvents: texts,
  selfPay: boolean,
});

const continuation = record({
  lines: list(sessionLine, { max: 20 }),
  techniques: sessionTechniques,
  pressure: pressures,
});

/** A command: its type, when and by whom, its own fields, and no more than maxCommandBytes in all. */
const command = <T extends CareEpisodeCommandType, S extends z.ZodRawShape>(type: T, shape: S) =>
  withinBytes(record({ type: z.literal(type), at: isoInstant, actor, ...shape }), maxCommandBytes);

const commandSchemas = {
  ReceiveReferral: command('ReceiveReferral', { episodeId: id, referral }),
  RouteReferral: command('RouteReferral', {
    // A department's roster, bounded so the routing decision (an assessment of each) fits in one event.
    therapists: uniqueBy(list(therapist, { max: 200 }), 'therapistId'),
    previousTherapistIds: list(id, { max: 100 }),
    expectedPlanEnd: isoDate.optional(),
  }),
  OfferToTherapist: command('OfferToTherapist', { therapistId: id }),
  AcceptOffer: command('AcceptOffer', { therapistId: id }),
  DeclineOffer: command('DeclineOffer', { therapistId: id, reason: shortText.optional() }),
  EscalateReferral: command('EscalateReferral', { reason: shortText }),
  DeclineReferral: command('DeclineReferral', { reason: shortText }),
  RecordIntake: command('RecordIntake', { intake }),
  FlagContraindication: command('FlagContraindication', { finding }),
  RequestClearance: command('RequestClearance', { findingId: id }),
  GrantClearance: command('GrantClearance', { findingId: id, clearedBy: practitioner, clearedOn: isoDate }),
  PlaceOnHold: command('PlaceOnHold', { reason: shortText }),
  ResumeEpisode: command('ResumeEpisode', {}),
  RecordAssessment: command('RecordAssessment', { assessment }),
  EstablishPlanOfCare: command('EstablishPlanOfCare', { plan }),
  RevisePlanOfCare: command('RevisePlanOfCare', { plan, reason: shortText }),
  CertifyPlanOfCare: command('CertifyPlanOfCare', {
    kind: oneOf(['written', 'verbal']),
    certifier: practitioner,
    certifiedOn: isoDate,
  }),
  SignVerbalOrder: command('SignVerbalOrder', { signedOn: isoDate }),
  RenewOrder: command('RenewOrder', { orderedBy: practitioner, orderedOn: isoDate }),
  RecordAuthorization: command('RecordAuthorization', { addedVisits: integer(1, 1000).optional(), endDate: isoDate.optional() }),
  RecertifyPlanOfCare: command('RecertifyPlanOfCare', { certifier: practitioner, signedOn: isoDate }),
  RecordSession: command('RecordSession', { sessionId: id, session }),
  PauseSession: command('PauseSession', { sessionId: id, reason: shortText }),
  ResumeSession: command('ResumeSession', { sessionId: id, continuation }),
  CancelSession: command('CancelSession', {
    sessionId: id,
    date: isoDate,
    cancelledBy: oneOf(['patient', 'clinic']),
    reason: shortText.optional(),
  }),
  RecordNoShow: command('RecordNoShow', { sessionId: id, date: isoDate }),
  SignNote: command('SignNote', { sessionId: id }),
  AddAddendum: command('AddAddendum', {
    sessionId: id,
    addendumId: id,
    text: longText,
    correctedLines: list(sessionLine, { min: 1, max: 20 }).optional(),
  }),
  RecordProgressReport: command('RecordProgressReport', {
    reportId: id,
    reportedOn: isoDate,
    measures: measurements,
    narrative: longText,
    planChange: longText.optional(),
  }),
  RecordReevaluation: command('RecordReevaluation', {
    reevaluationId: id,
    reevaluatedOn: isoDate,
    reason: oneOf(reevaluationReasons),
    findings: longText,
    measures: measurements,
    billAsReevaluation: boolean,
  }),
  DecideAfterPlateau: command('DecideAfterPlateau', {
    decision: oneOf(plateauDecisions),
    justification: longText.optional(),
  }),
  DischargeEpisode: command('DischargeEpisode', {
    dischargedOn: isoDate,
    reason: oneOf(dischargeReasons),
    reasonText: shortText.optional(),
    measures: measurements,
    narrative: longText.optional(),
  }),
  CancelEpisode: command('CancelEpisode', { reason: shortText }),
  RecordTherapyThresholdCrossing: command('RecordTherapyThresholdCrossing', {
    payerId: id,
    year: integer(1900, 9999),
    threshold: oneOf(therapyThresholdKinds),
    sessionId: id,
    thresholdCents: cents,
    yearToDateBeforeCents: cents,
    yearToDateAfterCents: cents,
  }),
  MarkDeadlinePassed: command('MarkDeadlinePassed', { deadline: oneOf(deadlineKinds), sessionId: id.optional() }),
  RecordRefusedClearanceSignal: command('RecordRefusedClearanceSignal', {
    claimedRole: oneOf([...careRoles, 'unknown']),
    reason: oneOf(clearanceSignalRefusalReasons),
    refusalCode: oneOf(domainErrorCodes).optional(),
  }),
};

type MutuallyAssignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/**
 * Assignability alone lets an optional field exist on one side only; this demands the same fields at
 * every depth. A field that is text or a record (a medication) compares the record parts.
 */
type SameFields<A, B> = A extends readonly (infer X)[]
  ? B extends readonly (infer Y)[]
    ? SameFields<X, Y>
    : false
  : A extends object
    ? SameObjectFields<A, Exclude<Extract<B, object>, readonly unknown[]>>
    : true;
type SameObjectFields<A, B> = [B] extends [never]
  ? false
  : [Exclude<keyof A, keyof B> | Exclude<keyof B, keyof A>] extends [never]
    ? false extends { [K in keyof A & keyof B]-?: SameFields<NonNullable<A[K]>, NonNullable<B[K]>> }[keyof A & keyof B]
      ? false
      : true
    : false;
type DriftedCommands = {
  [T in CareEpisodeCommandType]: [
    MutuallyAssignable<z.infer<(typeof commandSchemas)[T]>, CommandOf<T>>,
    SameFields<z.infer<(typeof commandSchemas)[T]>, CommandOf<T>>,
  ] extends [true, true]
    ? never
    : T;
}[CareEpisodeCommandType];
type Holds<Check extends true> = Check;
/**
 * Compiles only while each schema's type and its interface in commands.ts agree both ways, so the
 * two cannot drift; a drift names the command ("Type '"RecordSession"' does not satisfy the constraint 'true'").
 */
export type CommandSchemasMatchInterfaces = Holds<[DriftedCommands] extends [never] ? true : DriftedCommands>;

/** The JSON Schema of each command, for clients and the API's documentation. */
export const commandJsonSchemas = (): Readonly<Record<CareEpisodeCommandType, z.core.JSONSchema.BaseSchema>> => {
  // Unavoidable casts: Object.keys and a record filled key by key lose the key type; every key is filled.
  const schemas: Partial<Record<CareEpisodeCommandType, z.core.JSONSchema.BaseSchema>> = {};
  for (const type of Object.keys(commandSchemas) as CareEpisodeCommandType[]) {
    schemas[type] = z.toJSONSchema(commandSchemas[type]);
  }
  return schemas as Record<CareEpisodeCommandType, z.core.JSONSchema.BaseSchema>;
};

/** Fields whose problems have a rule's own code, so clients see the rule rather than a shape error. */
const fieldCodes: ReadonlyArray<{ type: CareEpisodeCommandType; path: string; code: DomainErrorCode }> = [
  { type: 'ReceiveReferral', path: 'command.referral', code: 'INVALID_REFERRAL' },
  { type: 'RecordReevaluation', path: 'command.reason', code: 'REEVALUATION_REASON_REQUIRED' },
  { type: 'DischargeEpisode', path: 'command.reason', code: 'INVALID_DISCHARGE_REASON' },
];

const isCommandType = (value: unknown): value is CareEpisodeCommandType =>
  typeof value === 'string' && Object.prototype.hasOwnProperty.call(commandSchemas, value);

/** The command, typed, or the first problem with its shape. */
export const parseCommand = (value: unknown): CareEpisodeCommand | DomainError => {
  const type = typeof value === 'object' && value !== null && 'type' in value ? value.type : undefined;
  if (!isCommandType(type)) {
    return new DomainError('INVALID_COMMAND', 'The command type is not one the care episode knows.');
  }
  const parsed = commandSchemas[type].safeParse(value);
  if (parsed.success) return parsed.data;
  const problem = firstProblem(parsed.error, 'command');
  const code = fieldCodes.find((entry) => entry.type === type && problem.startsWith(entry.path))?.code ?? 'INVALID_COMMAND';
  return new DomainError(code, `The ${type} command is not valid: ${problem}.`, { commandType: type });
};
