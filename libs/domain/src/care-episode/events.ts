/**
 * Events: the facts of an episode, past tense. Each carries a `schemaVersion` (all 1 so far; no upcaster
 * exists yet, so a change of shape needs one first) and says when it occurred and who acted. Events
 * record what the rules decided (deadlines, standings, periods) so replay never re-runs a rule.
 */
import type { TherapyThresholdKind } from '../billing';
import type { IsoDate, IsoInstant } from '../calendar';
import type { EscalationReason, RoutingDecision, RoutingRequest } from '../routing';
import type { Authorization } from '../rules/authorization';
import type { CertificationStanding } from '../rules/certification';
import type { Contraindication } from '../rules/contraindications';
import type { DischargeReason, DischargeSummary } from '../rules/discharge';
import type { SessionLine } from '../rules/notes';
import type { GoalStatus, Measurement, OutcomeMeasure } from '../rules/outcome-measures';
import type { PlateauDecision } from '../rules/plateau';
import type { DomainErrorCode } from '../errors';
import type { ClearanceSignalRefusalReason, ReevaluationReason } from './commands';
import type { Actor, Assessment, Intake, PlanOfCare, Practitioner, Referral, SessionContinuation, SessionDocumentation } from './records';
import type { CareRole } from './roles';

export const careEpisodeEventSchemaVersion = 1;

interface EventBase<T extends string> {
  readonly type: T;
  readonly schemaVersion: typeof careEpisodeEventSchemaVersion;
  readonly occurredAt: IsoInstant;
  readonly actor: Actor;
}

export interface ReferralReceived extends EventBase<'ReferralReceived'> {
  readonly episodeId: string;
  readonly referral: Referral;
  /** Last day care may start under this order. */
  readonly validThrough: IsoDate;
}

export interface ReferralRouted extends EventBase<'ReferralRouted'> {
  readonly request: RoutingRequest;
  readonly decision: RoutingDecision;
}

export interface TherapistOffered extends EventBase<'TherapistOffered'> {
  readonly therapistId: string;
  readonly expiresAt: IsoInstant;
  /** Chosen by the department lead rather than by the ranking. */
  readonly byLead: boolean;
}

export interface OfferAccepted extends EventBase<'OfferAccepted'> {
  readonly therapistId: string;
}

export interface OfferDeclined extends EventBase<'OfferDeclined'> {
  readonly therapistId: string;
  readonly reason?: string;
}

export interface OfferExpired extends EventBase<'OfferExpired'> {
  readonly therapistId: string;
}

export interface RoutingEscalated extends EventBase<'RoutingEscalated'> {
  readonly reason: EscalationReason | 'requested';
  readonly note?: string;
}

export interface ReferralDeclined extends EventBase<'ReferralDeclined'> {
  readonly reason: string;
}

export interface IntakeRecorded extends EventBase<'IntakeRecorded'> {
  readonly intake: Intake;
}

export interface ContraindicationFlagged extends EventBase<'ContraindicationFlagged'> {
  readonly contraindication: Contraindication;
}

export interface ClearanceRequested extends EventBase<'ClearanceRequested'> {
  readonly findingId: string;
  readonly referringProviderNpi: string;
}

export interface ClearanceGranted extends EventBase<'ClearanceGranted'> {
  readonly findingId: string;
  readonly clearedBy: Practitioner;
  readonly clearedOn: IsoDate;
}

export interface EpisodePutOnHold extends EventBase<'EpisodePutOnHold'> {
  readonly reason: 'contraindication' | 'requested';
  readonly note?: string;
}

export type EpisodeResumed = EventBase<'EpisodeResumed'>;

export interface AssessmentRecorded extends EventBase<'AssessmentRecorded'> {
  readonly assessment: Assessment;
}

export interface PlanOfCareEstablished extends EventBase<'PlanOfCareEstablished'> {
  readonly plan: PlanOfCare;
  readonly version: number;
  readonly periodStart: IsoDate;
  readonly periodEnd: IsoDate;
}

export interface PlanOfCareRevised extends EventBase<'PlanOfCareRevised'> {
  readonly plan: PlanOfCare;
  readonly version: number;
  readonly reason: string;
  /** More frequency or duration, or new goals: a certified plan then needs recertification. */
  readonly materialChanges: ReadonlyArray<'frequency' | 'duration' | 'goals'>;
  readonly recertificationRequired: boolean;
  readonly periodEnd: IsoDate;
}

export interface PlanOfCareCertified extends EventBase<'PlanOfCareCertified'> {
  readonly certifier: Practitioner;
  readonly signedOn: IsoDate;
  readonly timely: boolean;
}

export interface VerbalOrderReceived extends EventBase<'VerbalOrderReceived'> {
  readonly certifier: Practitioner;
  readonly orderedOn: IsoDate;
  readonly timely: boolean;
  readonly signatureDueOn: IsoDate;
}

export interface VerbalOrderSigned extends EventBase<'VerbalOrderSigned'> {
  readonly signedOn: IsoDate;
  readonly timely: boolean;
}

export interface PlanOfCareRecertified extends EventBase<'PlanOfCareRecertified'> {
  readonly certifier: Practitioner;
  readonly signedOn: IsoDate;
  readonly periodStart: IsoDate;
  readonly periodEnd: IsoDate;
}

export interface OrderRenewed extends EventBase<'OrderRenewed'> {
  readonly orderedBy: Practitioner;
  readonly orderedOn: IsoDate;
  /** Last day care may start under the renewed order. */
  readonly validThrough: IsoDate;
}

export interface AuthorizationRecorded extends EventBase<'AuthorizationRecorded'> {
  readonly addedVisits?: number;
  readonly endDate?: IsoDate;
  /** The authorization in force from now on: the episode's authorized visits in all and the last day. */
  readonly authorization: Authorization;
}

export interface SessionRecorded extends EventBase<'SessionRecorded'> {
  readonly sessionId: string;
  readonly session: SessionDocumentation;
  /** Visits delivered in this episode, this one included. */
  readonly visitNumber: number;
  /** The session's date is a treatment day not counted before. */
  readonly newTreatmentDay: boolean;
  /** Treatment days since the evaluation or the last progress report, this one included. */
  readonly treatmentDaysInPeriod: number;
  readonly certificationStanding: CertificationStanding;
}

export interface ProgressReportDueSoon extends EventBase<'ProgressReportDueSoon'> {
  readonly treatmentDaysInPeriod: number;
}

export interface ProgressReportDue extends EventBase<'ProgressReportDue'> {
  readonly basis: 'treatment-days' | 'calendar-days';
}

export interface SessionPaused extends EventBase<'SessionPaused'> {
  readonly sessionId: string;
  readonly reason: string;
}

export interface SessionResumed extends EventBase<'SessionResumed'> {
  readonly sessionId: string;
  readonly continuation: SessionContinuation;
}

export interface SessionCancelled extends EventBase<'SessionCancelled'> {
  readonly sessionId: string;
  readonly date: IsoDate;
  readonly cancelledBy: 'patient' | 'clinic';
  readonly reason?: string;
}

export interface NoShowRecorded extends EventBase<'NoShowRecorded'> {
  readonly sessionId: string;
  readonly date: IsoDate;
  readonly consecutiveNoShows: number;
}

export interface NoShowDischargePromptRaised extends EventBase<'NoShowDischargePromptRaised'> {
  readonly consecutiveNoShows: number;
}

export interface NoteSigned extends EventBase<'NoteSigned'> {
  readonly sessionId: string;
}

export interface AddendumAdded extends EventBase<'AddendumAdded'> {
  readonly sessionId: string;
  readonly addendumId: string;
  readonly text: string;
  readonly correctedLines?: readonly SessionLine[];
}

export interface CorrectedClaimRequired extends EventBase<'CorrectedClaimRequired'> {
  readonly sessionId: string;
  readonly addendumId: string;
  readonly changedFields: readonly string[];
}

export interface GoalProgress {
  readonly goalId: string;
  readonly measure: OutcomeMeasure;
  readonly value: number;
  readonly status: GoalStatus;
}

export interface ProgressReportRecorded extends EventBase<'ProgressReportRecorded'> {
  readonly reportId: string;
  readonly reportedOn: IsoDate;
  readonly measures: readonly Measurement[];
  readonly goals: readonly GoalProgress[];
  readonly narrative: string;
  readonly planChange?: string;
  readonly treatmentDaysInPeriod: number;
}

export interface PlateauDetected extends EventBase<'PlateauDetected'> {
  readonly measure: OutcomeMeasure;
  /** The primary measure across the periods that showed no clinically important change. */
  readonly values: readonly number[];
}

export interface PlateauDecisionRecorded extends EventBase<'PlateauDecisionRecorded'> {
  readonly decision: PlateauDecision;
  readonly justification?: string;
}

export interface ReevaluationRecorded extends EventBase<'ReevaluationRecorded'> {
  readonly reevaluationId: string;
  readonly reevaluatedOn: IsoDate;
  readonly reason: ReevaluationReason;
  readonly findings: string;
  readonly measures: readonly Measurement[];
  readonly billAsReevaluation: boolean;
}

export interface EpisodeDischarged extends EventBase<'EpisodeDischarged'> {
  readonly dischargedOn: IsoDate;
  readonly reason: DischargeReason;
  readonly reasonText?: string;
  readonly summary: DischargeSummary;
}

export interface EpisodeCancelled extends EventBase<'EpisodeCancelled'> {
  readonly reason: string;
}

/**
 * The closed loop with the referring provider (docs/clinical-rules.md §2): the outbox delivers each notice.
 * It carries ids and the provider's NPI; the consumer fetches what it may show.
 */
export interface ReferringProviderNoticeIssued extends EventBase<'ReferringProviderNoticeIssued'> {
  readonly notice:
    | 'referral-accepted'
    | 'referral-declined'
    | 'order-renewed'
    | 'authorization-recorded'
    | 'progress-report'
    | 'discharge-summary'
    | 'episode-cancelled';
  readonly referralId: string;
  readonly referringProviderNpi: string;
  readonly reportId?: string;
}

/** Shown on the timeline and the compliance views; the KX or targeted-medical-review threshold, once a year per payer. */
export interface TherapyThresholdCrossed extends EventBase<'TherapyThresholdCrossed'> {
  readonly payerId: string;
  readonly year: number;
  readonly threshold: TherapyThresholdKind;
  readonly sessionId: string;
  readonly thresholdCents: number;
  readonly yearToDateBeforeCents: number;
  readonly yearToDateAfterCents: number;
}

export interface CertificationDelinquent extends EventBase<'CertificationDelinquent'> {
  readonly dueOn: IsoDate;
}

/**
 * Sessions recorded while the plan awaited its certification, now delinquent with it: the deadline
 * passed, or the certification arrived late. Billing flags their held charges.
 */
export interface SessionsCertificationDelinquent extends EventBase<'SessionsCertificationDelinquent'> {
  readonly sessionIds: readonly string[];
  readonly cause: 'certification-deadline-passed' | 'late-certification';
}

export interface VerbalOrderDelinquent extends EventBase<'VerbalOrderDelinquent'> {
  readonly dueOn: IsoDate;
}

/** The certified period is over: no session until the plan is recertified. */
export interface CertifiedPeriodEnded extends EventBase<'CertifiedPeriodEnded'> {
  readonly periodEnd: IsoDate;
}

export interface AuthorizationEnded extends EventBase<'AuthorizationEnded'> {
  readonly endDate: IsoDate;
}

export interface NoteSignatureOverdue extends EventBase<'NoteSignatureOverdue'> {
  readonly sessionId: string;
  readonly overdueSince: IsoInstant;
}

/** A clearance Signal the episode did not apply (docs/clinical-rules.md §1): who it claimed to be and why, nothing more. */
export interface ClearanceSignalRefused extends EventBase<'ClearanceSignalRefused'> {
  readonly claimedRole: CareRole | 'unknown';
  readonly reason: ClearanceSignalRefusalReason;
  readonly refusalCode?: DomainErrorCode;
}

export type CareEpisodeEvent =
  | ReferralReceived
  | ReferralRouted
  | TherapistOffered
  | OfferAccepted
  | OfferDeclined
  | OfferExpired
  | RoutingEscalated
  | ReferralDeclined
  | IntakeRecorded
  | ContraindicationFlagged
  | ClearanceRequested
  | ClearanceGranted
  | EpisodePutOnHold
  | EpisodeResumed
  | AssessmentRecorded
  | PlanOfCareEstablished
  | PlanOfCareRevised
  | PlanOfCareCertified
  | VerbalOrderReceived
  | VerbalOrderSigned
  | PlanOfCareRecertified
  | OrderRenewed
  | AuthorizationRecorded
  | SessionRecorded
  | ProgressReportDueSoon
  | ProgressReportDue
  | SessionPaused
  | SessionResumed
  | SessionCancelled
  | NoShowRecorded
  | NoShowDischargePromptRaised
  | NoteSigned
  | AddendumAdded
  | CorrectedClaimRequired
  | ProgressReportRecorded
  | PlateauDetected
  | PlateauDecisionRecorded
  | ReevaluationRecorded
  | EpisodeDischarged
  | EpisodeCancelled
  | ReferringProviderNoticeIssued
  | TherapyThresholdCrossed
  | CertificationDelinquent
  | SessionsCertificationDelinquent
  | VerbalOrderDelinquent
  | CertifiedPeriodEnded
  | AuthorizationEnded
  | NoteSignatureOverdue
  | ClearanceSignalRefused;

export type CareEpisodeEventType = CareEpisodeEvent['type'];

/** Every event type name, for consumers that route or validate by type. */
export const careEpisodeEventTypes = [
  'ReferralReceived',
  'ReferralRouted',
  'TherapistOffered',
  'OfferAccepted',
  'OfferDeclined',
  'OfferExpired',
  'RoutingEscalated',
  'ReferralDeclined',
  'IntakeRecorded',
  'ContraindicationFlagged',
  'ClearanceRequested',
  'ClearanceGranted',
  'EpisodePutOnHold',
  'EpisodeResumed',
  'AssessmentRecorded',
  'PlanOfCareEstablished',
  'PlanOfCareRevised',
  'PlanOfCareCertified',
  'VerbalOrderReceived',
  'VerbalOrderSigned',
  'PlanOfCareRecertified',
  'OrderRenewed',
  'AuthorizationRecorded',
  'SessionRecorded',
  'ProgressReportDueSoon',
  'ProgressReportDue',
  'SessionPaused',
  'SessionResumed',
  'SessionCancelled',
  'NoShowRecorded',
  'NoShowDischargePromptRaised',
  'NoteSigned',
  'AddendumAdded',
  'CorrectedClaimRequired',
  'ProgressReportRecorded',
  'PlateauDetected',
  'PlateauDecisionRecorded',
  'ReevaluationRecorded',
  'EpisodeDischarged',
  'EpisodeCancelled',
  'ReferringProviderNoticeIssued',
  'TherapyThresholdCrossed',
  'CertificationDelinquent',
  'SessionsCertificationDelinquent',
  'VerbalOrderDelinquent',
  'CertifiedPeriodEnded',
  'AuthorizationEnded',
  'NoteSignatureOverdue',
  'ClearanceSignalRefused',
] as const satisfies readonly CareEpisodeEventType[];

/** Fails to compile when an event type is missing from the list above. */
const _everyEventTypeListed: [Exclude<CareEpisodeEventType, (typeof careEpisodeEventTypes)[number]>] extends [never] ? true : never = true;
