/**
 * Commands: what someone asks the episode to do, each a zod schema with its type inferred from it. Each
 * carries `at` (the instant it happened, from the caller's clock, never the domain's) and `actor`; ids
 * (session, report, finding …) come from the caller. Objects are strict and every text and list is
 * bounded, so whatever is accepted can be stored as events.
 */
import { z } from 'zod';
import { therapyThresholdKinds } from '../billing/thresholds';
import { domainErrorCodes } from '../errors';
import { therapistProfileSchema } from '../routing/types';
import { screeningFindingSchema } from '../rules/contraindications';
import { dischargeReasons } from '../rules/discharge';
import { measurementsSchema } from '../rules/outcome-measures';
import { plateauDecisions } from '../rules/plateau';
import {
  boolean,
  identifier,
  integer,
  isoDate,
  isoInstant,
  list,
  longText,
  maxCommandBytes,
  oneOf,
  record,
  shortText,
  uniqueBy,
  withinBytes,
} from '../validation';
import {
  actorSchema,
  assessmentSchema,
  intakeSchema,
  planOfCareSchema,
  practitionerSchema,
  referralSchema,
  sessionContinuationSchema,
  sessionDocumentationSchema,
  sessionLinesSchema,
} from './records';
import { careRoles } from './roles';

export const reevaluationReasons = ['new-clinical-findings', 'significant-change', 'no-response-to-treatment'] as const;
export type ReevaluationReason = (typeof reevaluationReasons)[number];

export const deadlineKinds = [
  'offer-expiry',
  'certification',
  'verbal-order-signature',
  'certified-period-end',
  'progress-report',
  'authorization-end',
  'unsigned-note',
] as const;
export type DeadlineKind = (typeof deadlineKinds)[number];

export const clearanceSignalRefusalReasons = ['not-from-ehr-feed', 'not-a-clearance', 'implausible-time', 'refused-by-rules'] as const;
export type ClearanceSignalRefusalReason = (typeof clearanceSignalRefusalReasons)[number];

const id = identifier();
const cents = integer(0, Number.MAX_SAFE_INTEGER);

/** A command: its type, when and by whom, its own fields, and no more than maxCommandBytes in all. */
const command = <T extends string, S extends z.ZodRawShape>(type: T, shape: S, description?: string) => {
  const schema = withinBytes(record({ type: z.literal(type), at: isoInstant, actor: actorSchema, ...shape }), maxCommandBytes);
  return description === undefined ? schema : schema.meta({ description });
};

export const commandSchemas = {
  ReceiveReferral: command('ReceiveReferral', { episodeId: id, referral: referralSchema }),
  RouteReferral: command(
    'RouteReferral',
    {
      // A department's roster, bounded so the routing decision (an assessment of each) fits in one event.
      therapists: uniqueBy(list(therapistProfileSchema, { max: 200 }), 'therapistId'),
      previousTherapistIds: list(id, { max: 100 }),
      expectedPlanEnd: isoDate.optional().meta({ description: 'Defaults to the longest certified period from today.' }),
    },
    "Routes with the department's routing settings; the caller supplies today's therapist profiles. " +
      'What the patient needs (diagnoses, cancer history) is read from the referral, never from here.',
  ),
  OfferToTherapist: command(
    'OfferToTherapist',
    { therapistId: id },
    'The department lead offers the referral to a therapist of their choice (e.g. after an escalation).',
  ),
  AcceptOffer: command('AcceptOffer', { therapistId: id }),
  DeclineOffer: command('DeclineOffer', { therapistId: id, reason: shortText.optional() }),
  EscalateReferral: command('EscalateReferral', { reason: shortText }),
  DeclineReferral: command(
    'DeclineReferral',
    { reason: shortText },
    'The department will not take the referral; the referring provider is told.',
  ),
  RecordIntake: command('RecordIntake', { intake: intakeSchema }),
  FlagContraindication: command('FlagContraindication', { finding: screeningFindingSchema }),
  RequestClearance: command('RequestClearance', { findingId: id }),
  GrantClearance: command('GrantClearance', { findingId: id, clearedBy: practitionerSchema, clearedOn: isoDate }),
  PlaceOnHold: command('PlaceOnHold', { reason: shortText }),
  ResumeEpisode: command('ResumeEpisode', {}),
  RecordAssessment: command('RecordAssessment', { assessment: assessmentSchema }),
  EstablishPlanOfCare: command('EstablishPlanOfCare', { plan: planOfCareSchema }),
  RevisePlanOfCare: command('RevisePlanOfCare', { plan: planOfCareSchema, reason: shortText }),
  CertifyPlanOfCare: command('CertifyPlanOfCare', {
    kind: oneOf(['written', 'verbal']),
    certifier: practitionerSchema,
    certifiedOn: isoDate.meta({ description: 'The signature date of a written certification, or the date a verbal order was given.' }),
  }),
  SignVerbalOrder: command('SignVerbalOrder', { signedOn: isoDate }),
  RecertifyPlanOfCare: command('RecertifyPlanOfCare', { certifier: practitionerSchema, signedOn: isoDate }),
  RenewOrder: command(
    'RenewOrder',
    {
      orderedBy: practitionerSchema,
      orderedOn: isoDate.meta({ description: 'The date the provider gave or signed the renewed order.' }),
    },
    "A renewed physician's order for this care (docs/clinical-rules.md §2); it restarts the order's validity.",
  ),
  RecordAuthorization: command(
    'RecordAuthorization',
    { addedVisits: integer(1, 1000).optional(), endDate: isoDate.optional() },
    "A new or extended payer authorization: visits added to the episode's, a later end date, or both.",
  ),
  RecordSession: command('RecordSession', { sessionId: id, session: sessionDocumentationSchema }),
  PauseSession: command('PauseSession', { sessionId: id, reason: shortText }),
  ResumeSession: command('ResumeSession', { sessionId: id, continuation: sessionContinuationSchema }),
  CancelSession: command(
    'CancelSession',
    { sessionId: id, date: isoDate, cancelledBy: oneOf(['patient', 'clinic']), reason: shortText.optional() },
    'Records a cancelled appointment (a visit that did not take place).',
  ),
  RecordNoShow: command('RecordNoShow', { sessionId: id, date: isoDate }),
  SignNote: command('SignNote', { sessionId: id }),
  AddAddendum: command(
    'AddAddendum',
    {
      sessionId: id,
      addendumId: id,
      text: longText,
      correctedLines: sessionLinesSchema.optional().meta({ description: 'Replaces the billed lines.' }),
    },
    'A correction or addition to a session note.',
  ),
  RecordProgressReport: command('RecordProgressReport', {
    reportId: id,
    reportedOn: isoDate,
    measures: measurementsSchema,
    narrative: longText,
    planChange: longText.optional(),
  }),
  RecordReevaluation: command('RecordReevaluation', {
    reevaluationId: id,
    reevaluatedOn: isoDate,
    reason: oneOf(reevaluationReasons),
    findings: longText,
    measures: measurementsSchema,
    billAsReevaluation: boolean.meta({ description: 'Billed as the untimed re-evaluation code 97164 when present.' }),
  }),
  DecideAfterPlateau: command('DecideAfterPlateau', {
    decision: oneOf(plateauDecisions),
    justification: longText.optional().meta({ description: 'Required to continue as maintenance.' }),
  }),
  DischargeEpisode: command('DischargeEpisode', {
    dischargedOn: isoDate,
    reason: oneOf(dischargeReasons),
    reasonText: shortText.optional(),
    measures: measurementsSchema,
    narrative: longText.optional(),
  }),
  CancelEpisode: command('CancelEpisode', { reason: shortText }),
  RecordTherapyThresholdCrossing: command(
    'RecordTherapyThresholdCrossing',
    {
      payerId: id,
      year: integer(1900, 9999),
      threshold: oneOf(therapyThresholdKinds),
      sessionId: id.meta({ description: 'The session whose charges crossed it.' }),
      thresholdCents: cents.meta({ description: "The payer's threshold that year, as charged." }),
      yearToDateBeforeCents: cents.meta({ description: 'The year-to-date charges before that day.' }),
      yearToDateAfterCents: cents.meta({ description: 'The year-to-date charges after that day.' }),
    },
    "From billing: the charges of one session's day took the patient's year-to-date therapy charges with " +
      'a payer above the KX or the targeted-medical-review threshold (docs/clinical-rules.md §10).',
  ),
  MarkDeadlinePassed: command(
    'MarkDeadlinePassed',
    { deadline: oneOf(deadlineKinds), sessionId: id.optional() },
    'Sent by the workflow when a timer armed from `dueDates` fires; `sessionId` for an unsigned note.',
  ),
  RecordRefusedClearanceSignal: command(
    'RecordRefusedClearanceSignal',
    {
      claimedRole: oneOf([...careRoles, 'unknown']),
      reason: oneOf(clearanceSignalRefusalReasons),
      refusalCode: oneOf(domainErrorCodes)
        .optional()
        .meta({ description: "The rule's code when the clearance came from the EHR feed but a rule refused it." }),
    },
    'Sent by the workflow when a clearance Signal cannot be applied, so the refusal stays on the record. ' +
      'Nothing the sender wrote is kept but the role it claimed (only when it is a role Careflow knows).',
  ),
};

type CommandSchemas = typeof commandSchemas;
export type CareEpisodeCommandType = keyof CommandSchemas;
export type CommandOf<T extends CareEpisodeCommandType> = z.infer<CommandSchemas[T]>;
export type CareEpisodeCommand = { [T in CareEpisodeCommandType]: CommandOf<T> }[CareEpisodeCommandType];

export type ReceiveReferral = CommandOf<'ReceiveReferral'>;
export type RouteReferral = CommandOf<'RouteReferral'>;
export type OfferToTherapist = CommandOf<'OfferToTherapist'>;
export type AcceptOffer = CommandOf<'AcceptOffer'>;
export type DeclineOffer = CommandOf<'DeclineOffer'>;
export type EscalateReferral = CommandOf<'EscalateReferral'>;
export type DeclineReferral = CommandOf<'DeclineReferral'>;
export type RecordIntake = CommandOf<'RecordIntake'>;
export type FlagContraindication = CommandOf<'FlagContraindication'>;
export type RequestClearance = CommandOf<'RequestClearance'>;
export type GrantClearance = CommandOf<'GrantClearance'>;
export type PlaceOnHold = CommandOf<'PlaceOnHold'>;
export type ResumeEpisode = CommandOf<'ResumeEpisode'>;
export type RecordAssessment = CommandOf<'RecordAssessment'>;
export type EstablishPlanOfCare = CommandOf<'EstablishPlanOfCare'>;
export type RevisePlanOfCare = CommandOf<'RevisePlanOfCare'>;
export type CertifyPlanOfCare = CommandOf<'CertifyPlanOfCare'>;
export type SignVerbalOrder = CommandOf<'SignVerbalOrder'>;
export type RecertifyPlanOfCare = CommandOf<'RecertifyPlanOfCare'>;
export type RenewOrder = CommandOf<'RenewOrder'>;
export type RecordAuthorization = CommandOf<'RecordAuthorization'>;
export type RecordSession = CommandOf<'RecordSession'>;
export type PauseSession = CommandOf<'PauseSession'>;
export type ResumeSession = CommandOf<'ResumeSession'>;
export type CancelSession = CommandOf<'CancelSession'>;
export type RecordNoShow = CommandOf<'RecordNoShow'>;
export type SignNote = CommandOf<'SignNote'>;
export type AddAddendum = CommandOf<'AddAddendum'>;
export type RecordProgressReport = CommandOf<'RecordProgressReport'>;
export type RecordReevaluation = CommandOf<'RecordReevaluation'>;
export type DecideAfterPlateau = CommandOf<'DecideAfterPlateau'>;
export type DischargeEpisode = CommandOf<'DischargeEpisode'>;
export type CancelEpisode = CommandOf<'CancelEpisode'>;
export type RecordTherapyThresholdCrossing = CommandOf<'RecordTherapyThresholdCrossing'>;
export type MarkDeadlinePassed = CommandOf<'MarkDeadlinePassed'>;
export type RecordRefusedClearanceSignal = CommandOf<'RecordRefusedClearanceSignal'>;
