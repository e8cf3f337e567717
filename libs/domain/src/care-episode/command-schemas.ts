/**
 * The shape of every command, checked before any rule runs, so `decide` refuses malformed input
 * with INVALID_COMMAND (or INVALID_REFERRAL) instead of throwing.
 */
import { timedCodes, type TimedCode } from '../billing';
import { DomainError, type DomainErrorCode } from '../errors';
import type { SpecialtyCertificate, TherapistLicense, TherapistProfile } from '../routing';
import { bodyRegions, pressureLevels, techniques } from '../rules/catalogue';
import { contraindicationConditions, type ScreeningFinding } from '../rules/contraindications';
import { dischargeReasons } from '../rules/discharge';
import type { SessionLine } from '../rules/notes';
import { outcomeMeasures, type Measurement } from '../rules/outcome-measures';
import { plateauDecisions } from '../rules/plateau';
import {
  array,
  boolean,
  decimal,
  integer,
  isoDate,
  isoInstant,
  object,
  oneOf,
  optional,
  text,
  uniqueBy,
  type Schema,
} from '../validation';
import {
  deadlineKinds,
  reevaluationReasons,
  type CareEpisodeCommand,
  type CareEpisodeCommandType,
  type CommandOf,
} from './commands';
import type {
  Actor,
  Assessment,
  Goal,
  Intake,
  PlanOfCare,
  Practitioner,
  Referral,
  RegionPressure,
  SessionContinuation,
  SessionDocumentation,
} from './records';

const id = text({ max: 200 });
const shortText = text({ max: 500 });
const longText = text({ max: 20_000 });
const texts = array(shortText, { max: 100 });
const region = oneOf(bodyRegions);
const regions = array(region, { max: bodyRegions.length });
const stateCode = text({ max: 2 });

const actor = object<Actor>({ userId: id, role: text({ max: 100 }) });

const base = <T extends CareEpisodeCommandType>(type: T) => ({
  type: oneOf([type] as const),
  at: isoInstant,
  actor,
});

const measurement = object<Measurement>({ measure: oneOf(outcomeMeasures), value: decimal(0, 100) });
const measurements = array(measurement, { max: outcomeMeasures.length });

const practitioner = object<Practitioner>({ name: shortText, npi: text({ max: 10 }), credential: text({ max: 20 }) });

const referral = object<Referral>({
  referralId: id,
  patient: object<Referral['patient']>({
    mrn: id,
    name: shortText,
    birthDate: isoDate,
    sex: oneOf(['female', 'male', 'other', 'unknown'] as const),
    stateOfResidence: stateCode,
  }),
  referringProvider: practitioner,
  diagnosisCodes: array(text({ max: 10 }), { min: 1, max: 12 }),
  orderedService: shortText,
  referralDate: isoDate,
  payer: object<Referral['payer']>({ payerId: id, memberId: optional(id) }),
  bodyRegions: optional(regions),
  precautions: optional(texts),
  authorization: optional(
    object<NonNullable<Referral['authorization']>>({ visits: optional(integer(0, 1000)), endDate: optional(isoDate) }),
  ),
  priority: optional(oneOf(['routine', 'urgent'] as const)),
  cancerHistory: optional(boolean),
});

const license = object<TherapistLicense>({ state: stateCode, number: id, expiresOn: isoDate });
const specialtyCertificates: readonly SpecialtyCertificate[] = [
  'oncology-massage',
  'manual-lymph-drainage',
  'prenatal',
  'geriatric',
  'sports',
  'orthopedic',
];
const therapist = object<TherapistProfile>({
  therapistId: id,
  departmentId: id,
  licenses: array(license, { max: 60 }),
  boardCertifications: array(shortText, { max: 20 }),
  specialtyCertificates: array(oneOf(specialtyCertificates), { max: specialtyCertificates.length }),
  activeEpisodeCount: integer(0, 10_000),
  caseloadLimit: optional(integer(0, 10_000)),
  availability: decimal(0, 1),
});

/**
 * Why a therapist's profile cannot be offered referrals (undefined when it can): the directory skips
 * such a profile instead of letting it refuse routing for the whole department.
 */
export const therapistProfileProblem = (value: unknown): string | undefined => therapist(value, 'therapist');

const finding = object<ScreeningFinding>({
  findingId: id,
  condition: oneOf(contraindicationConditions),
  occurredOn: optional(isoDate),
  bodyRegions: optional(regions),
});

const intake = object<Intake>({
  medicalHistory: texts,
  medications: texts,
  allergies: texts,
  recentSurgeries: texts,
  patientGoals: texts,
  findings: uniqueBy(array(finding, { max: 50 }), 'findingId'),
});

const assessment = object<Assessment>({
  assessedOn: isoDate,
  specialTests: array(
    object<Assessment['specialTests'][number]>({
      name: shortText,
      side: oneOf(['left', 'right', 'bilateral', 'not-applicable'] as const),
      result: oneOf(['positive', 'negative'] as const),
    }),
    { max: 100 },
  ),
  posturalFindings: texts,
  rangeOfMotion: array(
    object<Assessment['rangeOfMotion'][number]>({ joint: shortText, motion: shortText, degrees: decimal(0, 360) }),
    { max: 100 },
  ),
  painRegions: regions,
  measures: measurements,
  evaluationCode: optional(oneOf(['97161', '97162', '97163'] as const)),
});

const goal = object<Goal>({
  goalId: id,
  description: shortText,
  measure: oneOf(outcomeMeasures),
  baseline: decimal(0, 100),
  target: decimal(0, 100),
  targetDate: isoDate,
});

const plan = object<PlanOfCare>({
  goals: uniqueBy(array(goal, { min: 1, max: 20 }), 'goalId'),
  primaryMeasure: oneOf(outcomeMeasures),
  techniques: array(oneOf(techniques), { min: 1, max: techniques.length }),
  frequencyPerWeek: integer(1, 7),
  durationWeeks: integer(1, 52),
  precautions: texts,
});

const sessionLine = object<SessionLine>({
  code: oneOf<TimedCode>(timedCodes),
  minutes: integer(0, 480),
  bodyRegions: regions,
});
const sessionLines = array(sessionLine, { max: 20 });
const regionPressure = object<RegionPressure>({ bodyRegion: region, pressure: oneOf(pressureLevels) });
const nprs = optional(integer(0, 10));

const session = object<SessionDocumentation>({
  date: isoDate,
  therapist: object<SessionDocumentation['therapist']>({ therapistId: id, licenseExpiresOn: isoDate }),
  lines: array(sessionLine, { min: 1, max: 20 }),
  techniques: array(oneOf(techniques), { max: techniques.length }),
  pressure: array(regionPressure, { max: bodyRegions.length }),
  patientFeedback: optional(longText),
  painBefore: nprs,
  painAfter: nprs,
  adverseEvents: texts,
  selfPay: boolean,
});

const continuation = object<SessionContinuation>({
  lines: sessionLines,
  techniques: array(oneOf(techniques), { max: techniques.length }),
  pressure: array(regionPressure, { max: bodyRegions.length }),
});

const commandSchemas: { readonly [T in CareEpisodeCommandType]: Schema<CommandOf<T>> } = {
  ReceiveReferral: object({ ...base('ReceiveReferral'), episodeId: id, referral }),
  RouteReferral: object({
    ...base('RouteReferral'),
    therapists: uniqueBy(array(therapist, { max: 1000 }), 'therapistId'),
    cancerHistory: boolean,
    previousTherapistIds: array(id, { max: 100 }),
    expectedPlanEnd: optional(isoDate),
  }),
  OfferToTherapist: object({ ...base('OfferToTherapist'), therapistId: id }),
  AcceptOffer: object({ ...base('AcceptOffer'), therapistId: id }),
  DeclineOffer: object({ ...base('DeclineOffer'), therapistId: id, reason: optional(shortText) }),
  EscalateReferral: object({ ...base('EscalateReferral'), reason: shortText }),
  DeclineReferral: object({ ...base('DeclineReferral'), reason: shortText }),
  RecordIntake: object({ ...base('RecordIntake'), intake }),
  FlagContraindication: object({ ...base('FlagContraindication'), finding }),
  RequestClearance: object({ ...base('RequestClearance'), findingId: id }),
  GrantClearance: object({ ...base('GrantClearance'), findingId: id, clearedBy: practitioner, clearedOn: isoDate }),
  PlaceOnHold: object({ ...base('PlaceOnHold'), reason: shortText }),
  ResumeEpisode: object(base('ResumeEpisode')),
  RecordAssessment: object({ ...base('RecordAssessment'), assessment }),
  EstablishPlanOfCare: object({ ...base('EstablishPlanOfCare'), plan }),
  RevisePlanOfCare: object({ ...base('RevisePlanOfCare'), plan, reason: shortText }),
  CertifyPlanOfCare: object({
    ...base('CertifyPlanOfCare'),
    kind: oneOf(['written', 'verbal'] as const),
    certifier: practitioner,
    certifiedOn: isoDate,
  }),
  SignVerbalOrder: object({ ...base('SignVerbalOrder'), signedOn: isoDate }),
  RecertifyPlanOfCare: object({ ...base('RecertifyPlanOfCare'), certifier: practitioner, signedOn: isoDate }),
  RecordSession: object({ ...base('RecordSession'), sessionId: id, session }),
  PauseSession: object({ ...base('PauseSession'), sessionId: id, reason: shortText }),
  ResumeSession: object({ ...base('ResumeSession'), sessionId: id, continuation }),
  CancelSession: object({
    ...base('CancelSession'),
    sessionId: id,
    date: isoDate,
    cancelledBy: oneOf(['patient', 'clinic'] as const),
    reason: optional(shortText),
  }),
  RecordNoShow: object({ ...base('RecordNoShow'), sessionId: id, date: isoDate }),
  SignNote: object({ ...base('SignNote'), sessionId: id }),
  AddAddendum: object({
    ...base('AddAddendum'),
    sessionId: id,
    addendumId: id,
    text: longText,
    correctedLines: optional(array(sessionLine, { min: 1, max: 20 })),
  }),
  RecordProgressReport: object({
    ...base('RecordProgressReport'),
    reportId: id,
    reportedOn: isoDate,
    measures: measurements,
    narrative: longText,
    planChange: optional(longText),
  }),
  RecordReevaluation: object({
    ...base('RecordReevaluation'),
    reevaluationId: id,
    reevaluatedOn: isoDate,
    reason: oneOf(reevaluationReasons),
    findings: longText,
    measures: measurements,
    billAsReevaluation: boolean,
  }),
  DecideAfterPlateau: object({
    ...base('DecideAfterPlateau'),
    decision: oneOf(plateauDecisions),
    justification: optional(longText),
  }),
  DischargeEpisode: object({
    ...base('DischargeEpisode'),
    dischargedOn: isoDate,
    reason: oneOf(dischargeReasons),
    reasonText: optional(shortText),
    measures: measurements,
    narrative: optional(longText),
  }),
  CancelEpisode: object({ ...base('CancelEpisode'), reason: shortText }),
  MarkDeadlinePassed: object({ ...base('MarkDeadlinePassed'), deadline: oneOf(deadlineKinds), sessionId: optional(id) }),
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
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  if (!isCommandType(type)) {
    return new DomainError('INVALID_COMMAND', 'The command type is not one the care episode knows.');
  }
  const problem = (commandSchemas[type] as Schema<CareEpisodeCommand>)(value, 'command');
  if (problem === undefined) return value as CareEpisodeCommand;
  const code = fieldCodes.find((entry) => entry.type === type && problem.startsWith(entry.path))?.code ?? 'INVALID_COMMAND';
  return new DomainError(code, `The ${type} command is not valid: ${problem}.`, { commandType: type });
};
