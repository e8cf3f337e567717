/**
 * The episode as `evolve` folds it from events, and the questions rules ask of it. Plain JSON data.
 */
import { daysBetween, type IsoDate, type IsoInstant } from '../calendar';
import type { TherapyThresholdKind } from '../billing';
import type { RoutingDecision, RoutingRequest } from '../routing';
import type { Authorization } from '../rules/authorization';
import { certificationDueOn, isOnOrBefore, verbalOrderSignatureDueOn, type CertificationStanding } from '../rules/certification';
import type { BodyRegion } from '../rules/catalogue';
import type { Contraindication } from '../rules/contraindications';
import type { SessionLine } from '../rules/notes';
import type { OutcomeMeasure } from '../rules/outcome-measures';
import type { Assessment, Intake, PlanOfCare, Referral, SessionDocumentation } from './records';

/** FHIR EpisodeOfCare statuses, plus `none` before the referral arrives. */
export type EpisodeStatus = 'none' | 'planned' | 'waitlist' | 'active' | 'onhold' | 'finished' | 'cancelled';

export interface OfferRecord {
  readonly therapistId: string;
  readonly offeredAt: IsoInstant;
  readonly expiresAt: IsoInstant;
  readonly outcome: 'pending' | 'accepted' | 'declined' | 'expired';
}

export interface RoutingState {
  readonly request: RoutingRequest;
  readonly decision: RoutingDecision;
  /** Offers since the last routing, oldest first. */
  readonly offers: readonly OfferRecord[];
  readonly escalated: boolean;
}

export interface ContraindicationState extends Contraindication {
  readonly clearanceRequested: boolean;
  readonly cleared: boolean;
}

interface CertificationCommon {
  readonly verbalSignedOn?: IsoDate;
  /** A certification or signature came late, or its deadline passed: charges are flagged. */
  readonly delinquent: boolean;
  readonly periodStart?: IsoDate;
  readonly periodEnd?: IsoDate;
  readonly recertificationRequired: boolean;
  /** Which deadline events already fired, so each fires once. */
  readonly certificationDeadlinePassed: boolean;
  readonly verbalOrderDeadlinePassed: boolean;
  readonly periodEndPassed: boolean;
}

/** Once the physician certifies (in writing or by a verbal order), the certification has a date. */
export type CertificationState = CertificationCommon &
  ({ readonly kind: 'none'; readonly certifiedOn?: undefined } | { readonly kind: 'written' | 'verbal'; readonly certifiedOn: IsoDate });

export interface SessionVisit {
  readonly kind: 'session';
  readonly sessionId: string;
  readonly recordedAt: IsoInstant;
  readonly documentation: SessionDocumentation;
  /** The lines as first documented, kept when an addendum corrects them. */
  readonly originalLines: readonly SessionLine[];
  readonly paused: boolean;
  readonly signed: boolean;
  readonly addendumIds: readonly string[];
  readonly signatureOverduePassed: boolean;
  /** As recorded, until the certification it awaited arrives in time or becomes delinquent. */
  readonly certificationStanding: CertificationStanding;
}

export interface MissedVisit {
  readonly kind: 'cancelled' | 'no-show';
  readonly sessionId: string;
  readonly date: IsoDate;
}

export type Visit = SessionVisit | MissedVisit;

export interface ProgressState {
  /** The evaluation day or the day of the last report: counting starts there. */
  readonly periodStart?: IsoDate;
  readonly treatmentDaysInPeriod: number;
  readonly reportIds: readonly string[];
  readonly calendarDeadlinePassed: boolean;
}

/** The physician's order in force: the referral's, or the latest renewal. */
export interface OrderState {
  readonly orderedOn: IsoDate;
  readonly validThrough: IsoDate;
}

/** A therapy threshold already crossed: recorded once per year, payer and threshold. */
export interface ThresholdCrossing {
  readonly year: number;
  readonly payerId: string;
  readonly threshold: TherapyThresholdKind;
}

export interface CareEpisodeState {
  readonly status: EpisodeStatus;
  readonly episodeId?: string;
  readonly referral?: Referral;
  readonly order?: OrderState;
  /** The payer's authorization in force: the referral's, or as last recorded. */
  readonly authorization?: Authorization;
  readonly routing?: RoutingState;
  readonly therapistId?: string;
  readonly intake?: Intake;
  readonly contraindications: readonly ContraindicationState[];
  readonly heldOnRequest: boolean;
  readonly assessment?: Assessment;
  readonly plan?: PlanOfCare & { readonly version: number };
  readonly certification: CertificationState;
  readonly visits: readonly Visit[];
  /** Distinct dates with the evaluation or a session. */
  readonly treatmentDays: readonly IsoDate[];
  readonly progress: ProgressState;
  /** The latest score of every measure taken. */
  readonly latestMeasures: Partial<Record<OutcomeMeasure, number>>;
  /** The primary measure at the start of the plateau watch and at each progress report since. */
  readonly plateauWatch: readonly number[];
  readonly plateauPending: boolean;
  readonly consecutiveNoShows: number;
  readonly reevaluationIds: readonly string[];
  readonly authorizationEndPassed: boolean;
  readonly thresholdCrossings: readonly ThresholdCrossing[];
  readonly dischargedOn?: IsoDate;
}

export const initialState: CareEpisodeState = {
  status: 'none',
  contraindications: [],
  heldOnRequest: false,
  certification: {
    kind: 'none',
    delinquent: false,
    recertificationRequired: false,
    certificationDeadlinePassed: false,
    verbalOrderDeadlinePassed: false,
    periodEndPassed: false,
  },
  visits: [],
  treatmentDays: [],
  progress: { treatmentDaysInPeriod: 0, reportIds: [], calendarDeadlinePassed: false },
  latestMeasures: {},
  plateauWatch: [],
  plateauPending: false,
  consecutiveNoShows: 0,
  reevaluationIds: [],
  authorizationEndPassed: false,
  thresholdCrossings: [],
};

/*
 * The stages of an episode, as the state proves them. Each stage holds what the steps before it
 * recorded, so rules that need a referral, an assessment or a plan get it from the type, not a guess.
 */

/** A referral arrived: the episode has its referral and the physician's order in force. */
export type ReferredEpisode = CareEpisodeState & { readonly referral: Referral; readonly order: OrderState };

/** The initial assessment is recorded: its day is the first treatment day and starts the first progress period. */
export type AssessedEpisode = ReferredEpisode & {
  readonly assessment: Assessment;
  readonly progress: ProgressState & { readonly periodStart: IsoDate };
};

/** A plan of care is established, and with it the certified period. */
export type PlannedEpisode = AssessedEpisode & {
  readonly plan: PlanOfCare & { readonly version: number };
  readonly certification: CertificationState & { readonly periodStart: IsoDate; readonly periodEnd: IsoDate };
};

export const isReferred = (state: CareEpisodeState): state is ReferredEpisode => state.referral !== undefined && state.order !== undefined;

export const isAssessed = (state: CareEpisodeState): state is AssessedEpisode =>
  isReferred(state) && state.assessment !== undefined && state.progress.periodStart !== undefined;

export const isPlanned = (state: CareEpisodeState): state is PlannedEpisode =>
  isAssessed(state) &&
  state.plan !== undefined &&
  state.certification.periodStart !== undefined &&
  state.certification.periodEnd !== undefined;

export const isClosed = (state: CareEpisodeState): boolean => state.status === 'finished' || state.status === 'cancelled';

export const sessionsOf = (state: CareEpisodeState): SessionVisit[] =>
  state.visits.filter((visit): visit is SessionVisit => visit.kind === 'session');

export const findSession = (state: CareEpisodeState, sessionId: string): SessionVisit | undefined =>
  sessionsOf(state).find((session) => session.sessionId === sessionId);

/** Sessions the payer's authorization pays for (self-pay visits are outside it). */
export const authorizedVisitsUsed = (state: CareEpisodeState): number =>
  sessionsOf(state).filter((session) => !session.documentation.selfPay).length;

export const unclearedContraindications = (state: CareEpisodeState, severity: 'absolute' | 'relative'): ContraindicationState[] =>
  state.contraindications.filter((c) => c.severity === severity && !c.cleared);

/** The regions the referral and the plan of care name for treatment; empty when neither names any. */
export const treatedRegions = (state: CareEpisodeState): BodyRegion[] => [
  ...new Set([...(state.referral?.bodyRegions ?? []), ...(state.plan?.bodyRegions ?? [])]),
];

export const pendingOffer = (state: CareEpisodeState): OfferRecord | undefined =>
  state.routing?.offers.find((offer) => offer.outcome === 'pending');

/** The offer waiting for an answer, with the routing it came from. */
export const offerInWaiting = (state: CareEpisodeState): { readonly offer: OfferRecord; readonly routing: RoutingState } | undefined => {
  const offer = pendingOffer(state);
  return state.routing === undefined || offer === undefined ? undefined : { offer, routing: state.routing };
};

/** The first treatment day is the evaluation day (docs/clinical-rules.md §8: "the evaluation day counts"). */
export const firstTreatmentDay = (state: CareEpisodeState): IsoDate | undefined => state.assessment?.assessedOn;

/** Whether the charges of a session on `date` carry a certification, await one, or are flagged. */
export const certificationStanding = (state: CareEpisodeState, date: IsoDate): CertificationStanding => {
  const { certification } = state;
  if (certification.delinquent) return 'delinquent';
  switch (certification.kind) {
    case 'written':
      return 'certified';
    case 'verbal':
      return certification.verbalSignedOn !== undefined || isOnOrBefore(date, verbalOrderSignatureDueOn(certification.certifiedOn))
        ? 'certified'
        : 'delinquent';
    case 'none': {
      const start = firstTreatmentDay(state);
      return start !== undefined && isOnOrBefore(date, certificationDueOn(start)) ? 'awaiting-certification' : 'delinquent';
    }
  }
};

/** Sessions whose charges wait for the plan's first certification. */
export const sessionsAwaitingCertification = (state: CareEpisodeState): SessionVisit[] =>
  sessionsOf(state).filter((session) => session.certificationStanding === 'awaiting-certification');

export const lastVisitDate = (state: CareEpisodeState): IsoDate | undefined =>
  state.visits
    .map((visit) => (visit.kind === 'session' ? visit.documentation.date : visit.date))
    .reduce<IsoDate | undefined>((latest, date) => (latest === undefined || daysBetween(latest, date) > 0 ? date : latest), undefined);
