/**
 * Commands: what someone asks the episode to do. Each carries `at` (the instant it happened, from the
 * caller's clock, never the domain's) and `actor`; ids (session, report, finding …) come from the caller.
 */
import type { TherapyThresholdKind } from '../billing';
import type { IsoDate, IsoInstant } from '../calendar';
import type { DomainErrorCode } from '../errors';
import type { TherapistProfile } from '../routing';
import type { ScreeningFinding } from '../rules/contraindications';
import type { DischargeReason } from '../rules/discharge';
import type { SessionLine } from '../rules/notes';
import type { Measurement } from '../rules/outcome-measures';
import type { PlateauDecision } from '../rules/plateau';
import type { Actor, Assessment, Intake, PlanOfCare, Practitioner, Referral, SessionContinuation, SessionDocumentation } from './records';
import type { CareRole } from './roles';

interface CommandBase<T extends string> {
  readonly type: T;
  readonly at: IsoInstant;
  readonly actor: Actor;
}

export interface ReceiveReferral extends CommandBase<'ReceiveReferral'> {
  readonly episodeId: string;
  readonly referral: Referral;
}

/**
 * Routes with the department's routing settings; the caller supplies today's therapist profiles.
 * What the patient needs (diagnoses, cancer history) is read from the referral, never from here.
 */
export interface RouteReferral extends CommandBase<'RouteReferral'> {
  readonly therapists: readonly TherapistProfile[];
  readonly previousTherapistIds: readonly string[];
  /** Defaults to the longest certified period from today. */
  readonly expectedPlanEnd?: IsoDate;
}

/** The department lead offers the referral to a therapist of their choice (e.g. after an escalation). */
export interface OfferToTherapist extends CommandBase<'OfferToTherapist'> {
  readonly therapistId: string;
}

export interface AcceptOffer extends CommandBase<'AcceptOffer'> {
  readonly therapistId: string;
}

export interface DeclineOffer extends CommandBase<'DeclineOffer'> {
  readonly therapistId: string;
  readonly reason?: string;
}

export interface EscalateReferral extends CommandBase<'EscalateReferral'> {
  readonly reason: string;
}

/** The department will not take the referral; the referring provider is told. */
export interface DeclineReferral extends CommandBase<'DeclineReferral'> {
  readonly reason: string;
}

export interface RecordIntake extends CommandBase<'RecordIntake'> {
  readonly intake: Intake;
}

export interface FlagContraindication extends CommandBase<'FlagContraindication'> {
  readonly finding: ScreeningFinding;
}

export interface RequestClearance extends CommandBase<'RequestClearance'> {
  readonly findingId: string;
}

export interface GrantClearance extends CommandBase<'GrantClearance'> {
  readonly findingId: string;
  readonly clearedBy: Practitioner;
  readonly clearedOn: IsoDate;
}

export interface PlaceOnHold extends CommandBase<'PlaceOnHold'> {
  readonly reason: string;
}

export type ResumeEpisode = CommandBase<'ResumeEpisode'>;

export interface RecordAssessment extends CommandBase<'RecordAssessment'> {
  readonly assessment: Assessment;
}

export interface EstablishPlanOfCare extends CommandBase<'EstablishPlanOfCare'> {
  readonly plan: PlanOfCare;
}

export interface RevisePlanOfCare extends CommandBase<'RevisePlanOfCare'> {
  readonly plan: PlanOfCare;
  readonly reason: string;
}

/** `certifiedOn`: the signature date of a written certification, or the date a verbal order was given. */
export interface CertifyPlanOfCare extends CommandBase<'CertifyPlanOfCare'> {
  readonly kind: 'written' | 'verbal';
  readonly certifier: Practitioner;
  readonly certifiedOn: IsoDate;
}

export interface SignVerbalOrder extends CommandBase<'SignVerbalOrder'> {
  readonly signedOn: IsoDate;
}

export interface RecertifyPlanOfCare extends CommandBase<'RecertifyPlanOfCare'> {
  readonly certifier: Practitioner;
  readonly signedOn: IsoDate;
}

/** A renewed physician's order for this care (docs/clinical-rules.md §2); it restarts the order's validity. */
export interface RenewOrder extends CommandBase<'RenewOrder'> {
  readonly orderedBy: Practitioner;
  /** The date the provider gave or signed the renewed order. */
  readonly orderedOn: IsoDate;
}

/** A new or extended payer authorization: visits added to the episode's, a later end date, or both. */
export interface RecordAuthorization extends CommandBase<'RecordAuthorization'> {
  readonly addedVisits?: number;
  readonly endDate?: IsoDate;
}

export interface RecordSession extends CommandBase<'RecordSession'> {
  readonly sessionId: string;
  readonly session: SessionDocumentation;
}

export interface PauseSession extends CommandBase<'PauseSession'> {
  readonly sessionId: string;
  readonly reason: string;
}

export interface ResumeSession extends CommandBase<'ResumeSession'> {
  readonly sessionId: string;
  readonly continuation: SessionContinuation;
}

/** Records a cancelled appointment (a visit that did not take place). */
export interface CancelSession extends CommandBase<'CancelSession'> {
  readonly sessionId: string;
  readonly date: IsoDate;
  readonly cancelledBy: 'patient' | 'clinic';
  readonly reason?: string;
}

export interface RecordNoShow extends CommandBase<'RecordNoShow'> {
  readonly sessionId: string;
  readonly date: IsoDate;
}

export interface SignNote extends CommandBase<'SignNote'> {
  readonly sessionId: string;
}

/** A correction or addition to a session note; `correctedLines` replaces the billed lines. */
export interface AddAddendum extends CommandBase<'AddAddendum'> {
  readonly sessionId: string;
  readonly addendumId: string;
  readonly text: string;
  readonly correctedLines?: readonly SessionLine[];
}

export interface RecordProgressReport extends CommandBase<'RecordProgressReport'> {
  readonly reportId: string;
  readonly reportedOn: IsoDate;
  readonly measures: readonly Measurement[];
  readonly narrative: string;
  readonly planChange?: string;
}

export const reevaluationReasons = ['new-clinical-findings', 'significant-change', 'no-response-to-treatment'] as const;
export type ReevaluationReason = (typeof reevaluationReasons)[number];

export interface RecordReevaluation extends CommandBase<'RecordReevaluation'> {
  readonly reevaluationId: string;
  readonly reevaluatedOn: IsoDate;
  readonly reason: ReevaluationReason;
  readonly findings: string;
  readonly measures: readonly Measurement[];
  /** Billed as the untimed re-evaluation code 97164 when present. */
  readonly billAsReevaluation: boolean;
}

export interface DecideAfterPlateau extends CommandBase<'DecideAfterPlateau'> {
  readonly decision: PlateauDecision;
  /** Required to continue as maintenance. */
  readonly justification?: string;
}

export interface DischargeEpisode extends CommandBase<'DischargeEpisode'> {
  readonly dischargedOn: IsoDate;
  readonly reason: DischargeReason;
  readonly reasonText?: string;
  readonly measures: readonly Measurement[];
  readonly narrative?: string;
}

export interface CancelEpisode extends CommandBase<'CancelEpisode'> {
  readonly reason: string;
}

/**
 * From billing: the charges of one session's day took the patient's year-to-date therapy charges with
 * a payer above the KX or the targeted-medical-review threshold (docs/clinical-rules.md §10).
 */
export interface RecordTherapyThresholdCrossing extends CommandBase<'RecordTherapyThresholdCrossing'> {
  readonly payerId: string;
  readonly year: number;
  readonly threshold: TherapyThresholdKind;
  /** The session whose charges crossed it. */
  readonly sessionId: string;
  /** The payer's threshold that year and the year-to-date charges before and after that day, as charged. */
  readonly thresholdCents: number;
  readonly yearToDateBeforeCents: number;
  readonly yearToDateAfterCents: number;
}

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

/** Sent by the workflow when a timer armed from `dueDates` fires; `sessionId` for an unsigned note. */
export interface MarkDeadlinePassed extends CommandBase<'MarkDeadlinePassed'> {
  readonly deadline: DeadlineKind;
  readonly sessionId?: string;
}

export const clearanceSignalRefusalReasons = ['not-from-ehr-feed', 'not-a-clearance', 'implausible-time', 'refused-by-rules'] as const;
export type ClearanceSignalRefusalReason = (typeof clearanceSignalRefusalReasons)[number];

/**
 * Sent by the workflow when a clearance Signal cannot be applied, so the refusal stays on the record.
 * Nothing the sender wrote is kept but the role it claimed (only when it is a role Careflow knows).
 */
export interface RecordRefusedClearanceSignal extends CommandBase<'RecordRefusedClearanceSignal'> {
  readonly claimedRole: CareRole | 'unknown';
  readonly reason: ClearanceSignalRefusalReason;
  /** The rule's code when the clearance came from the EHR feed but a rule refused it. */
  readonly refusalCode?: DomainErrorCode;
}

export type CareEpisodeCommand =
  | ReceiveReferral
  | RouteReferral
  | OfferToTherapist
  | AcceptOffer
  | DeclineOffer
  | EscalateReferral
  | DeclineReferral
  | RecordIntake
  | FlagContraindication
  | RequestClearance
  | GrantClearance
  | PlaceOnHold
  | ResumeEpisode
  | RecordAssessment
  | EstablishPlanOfCare
  | RevisePlanOfCare
  | CertifyPlanOfCare
  | SignVerbalOrder
  | RecertifyPlanOfCare
  | RenewOrder
  | RecordAuthorization
  | RecordSession
  | PauseSession
  | ResumeSession
  | CancelSession
  | RecordNoShow
  | SignNote
  | AddAddendum
  | RecordProgressReport
  | RecordReevaluation
  | DecideAfterPlateau
  | DischargeEpisode
  | CancelEpisode
  | RecordTherapyThresholdCrossing
  | MarkDeadlinePassed
  | RecordRefusedClearanceSignal;

export type CareEpisodeCommandType = CareEpisodeCommand['type'];
export type CommandOf<T extends CareEpisodeCommandType> = Extract<CareEpisodeCommand, { type: T }>;
