/** Folds one event into the episode. No rule runs here: events already carry what the rules decided. */
import type { Measurement, OutcomeMeasure } from '../rules/outcome-measures';
import { mergeSessionLines } from '../rules/notes';
import { standingAfterCertification } from '../billing/standing';
import type { CareEpisodeEvent } from './events';
import type { CareEpisodeState, OfferRecord, RoutingState, SessionVisit } from './state';

const withMeasures = (latest: CareEpisodeState['latestMeasures'], measures: readonly Measurement[]): CareEpisodeState['latestMeasures'] =>
  measures.reduce((all, m) => ({ ...all, [m.measure]: m.value }), latest);

const updateSession = (state: CareEpisodeState, sessionId: string, change: (session: SessionVisit) => SessionVisit): CareEpisodeState => ({
  ...state,
  visits: state.visits.map((visit) => (visit.kind === 'session' && visit.sessionId === sessionId ? change(visit) : visit)),
});

/** Offers exist only once the referral is routed; an unrouted episode has none to change. */
const withOffers = (state: CareEpisodeState, change: (offers: RoutingState['offers']) => RoutingState['offers']): CareEpisodeState =>
  state.routing === undefined ? state : { ...state, routing: { ...state.routing, offers: change(state.routing.offers) } };

const answerPendingOffer = (state: CareEpisodeState, outcome: OfferRecord['outcome']): CareEpisodeState =>
  withOffers(state, (offers) => offers.map((offer) => (offer.outcome === 'pending' ? { ...offer, outcome } : offer)));

/** The plan's primary measure is a goal's measure, measured before the plan: the watch starts from that score. */
const watchFrom = (latest: CareEpisodeState['latestMeasures'], measure: OutcomeMeasure): number[] => {
  const score = latest[measure];
  return score === undefined ? [] : [score];
};

/** A timely first certification covers the sessions that awaited it. */
const certifyAwaitingSessions = (state: CareEpisodeState, timely: boolean): CareEpisodeState['visits'] =>
  state.visits.map((visit) =>
    visit.kind === 'session' ? { ...visit, certificationStanding: standingAfterCertification(visit.certificationStanding, timely) } : visit,
  );

const addDay = (days: readonly string[], day: string): string[] => (days.includes(day) ? [...days] : [...days, day].sort());

export const evolve = (state: CareEpisodeState, event: CareEpisodeEvent): CareEpisodeState => {
  switch (event.type) {
    case 'ReferralReceived':
      return {
        ...state,
        status: 'planned',
        episodeId: event.episodeId,
        referral: event.referral,
        order: { orderedOn: event.referral.referralDate, validThrough: event.validThrough },
        ...(event.referral.authorization ? { authorization: event.referral.authorization } : {}),
      };
    case 'ReferralRouted':
      return { ...state, status: 'waitlist', routing: { request: event.request, decision: event.decision, offers: [], escalated: false } };
    case 'TherapistOffered': {
      const offer: OfferRecord = {
        therapistId: event.therapistId,
        offeredAt: event.occurredAt,
        expiresAt: event.expiresAt,
        outcome: 'pending',
      };
      return withOffers(state, (offers) => [...offers, offer]);
    }
    case 'OfferAccepted':
      return { ...answerPendingOffer(state, 'accepted'), status: 'active', therapistId: event.therapistId };
    case 'OfferDeclined':
      return answerPendingOffer(state, 'declined');
    case 'OfferExpired':
      return answerPendingOffer(state, 'expired');
    case 'RoutingEscalated':
      return state.routing ? { ...state, routing: { ...state.routing, escalated: true } } : state;
    case 'ReferralDeclined':
      return { ...state, status: 'cancelled' };
    case 'IntakeRecorded':
      return { ...state, intake: event.intake };
    case 'ContraindicationFlagged': {
      // The same finding flagged again (a fracture the plan now treats) replaces its earlier standing.
      const flagged = { ...event.contraindication, clearanceRequested: false, cleared: false };
      return {
        ...state,
        contraindications: [...state.contraindications.filter((c) => c.findingId !== flagged.findingId), flagged],
      };
    }
    case 'ClearanceRequested':
      return {
        ...state,
        contraindications: state.contraindications.map((c) => (c.findingId === event.findingId ? { ...c, clearanceRequested: true } : c)),
      };
    case 'ClearanceGranted':
      return {
        ...state,
        contraindications: state.contraindications.map((c) => (c.findingId === event.findingId ? { ...c, cleared: true } : c)),
      };
    case 'EpisodePutOnHold':
      return { ...state, status: 'onhold', heldOnRequest: state.heldOnRequest || event.reason === 'requested' };
    case 'EpisodeResumed':
      return { ...state, status: 'active', heldOnRequest: false };
    case 'AssessmentRecorded':
      return {
        ...state,
        assessment: event.assessment,
        treatmentDays: addDay(state.treatmentDays, event.assessment.assessedOn),
        progress: { ...state.progress, periodStart: event.assessment.assessedOn, treatmentDaysInPeriod: 1 },
        latestMeasures: withMeasures(state.latestMeasures, event.assessment.measures),
      };
    case 'PlanOfCareEstablished':
      return {
        ...state,
        plan: { ...event.plan, version: event.version },
        certification: { ...state.certification, periodStart: event.periodStart, periodEnd: event.periodEnd },
        plateauWatch: watchFrom(state.latestMeasures, event.plan.primaryMeasure),
      };
    case 'PlanOfCareRevised': {
      const primaryChanged = state.plan?.primaryMeasure !== event.plan.primaryMeasure;
      return {
        ...state,
        plan: { ...event.plan, version: event.version },
        certification: {
          ...state.certification,
          periodEnd: event.periodEnd,
          recertificationRequired: state.certification.recertificationRequired || event.recertificationRequired,
        },
        plateauWatch: primaryChanged ? watchFrom(state.latestMeasures, event.plan.primaryMeasure) : state.plateauWatch,
      };
    }
    case 'PlanOfCareCertified':
      return {
        ...state,
        visits: certifyAwaitingSessions(state, event.timely),
        certification: {
          ...state.certification,
          kind: 'written',
          certifiedOn: event.signedOn,
          delinquent: state.certification.delinquent || !event.timely,
        },
      };
    case 'VerbalOrderReceived':
      return {
        ...state,
        visits: certifyAwaitingSessions(state, event.timely),
        certification: {
          ...state.certification,
          kind: 'verbal',
          certifiedOn: event.orderedOn,
          delinquent: state.certification.delinquent || !event.timely,
        },
      };
    case 'VerbalOrderSigned':
      return {
        ...state,
        certification: {
          ...state.certification,
          verbalSignedOn: event.signedOn,
          delinquent: state.certification.delinquent || !event.timely,
        },
      };
    case 'PlanOfCareRecertified':
      // A new period under a fresh signature: earlier delinquency stays on the earlier charges.
      return {
        ...state,
        certification: {
          ...state.certification,
          periodStart: event.periodStart,
          periodEnd: event.periodEnd,
          recertificationRequired: false,
          periodEndPassed: false,
          delinquent: false,
        },
      };
    case 'OrderRenewed':
      return { ...state, order: { orderedOn: event.orderedOn, validThrough: event.validThrough } };
    case 'AuthorizationRecorded':
      // A later end date re-arms the authorization-end deadline; added visits alone do not.
      return {
        ...state,
        authorization: event.authorization,
        authorizationEndPassed: event.endDate === undefined && state.authorizationEndPassed,
      };
    case 'SessionRecorded': {
      const session: SessionVisit = {
        kind: 'session',
        sessionId: event.sessionId,
        recordedAt: event.occurredAt,
        documentation: event.session,
        originalLines: event.session.lines,
        paused: false,
        signed: false,
        addendumIds: [],
        signatureOverduePassed: false,
        certificationStanding: event.certificationStanding,
      };
      return {
        ...state,
        visits: [...state.visits, session],
        treatmentDays: addDay(state.treatmentDays, event.session.date),
        progress: { ...state.progress, treatmentDaysInPeriod: event.treatmentDaysInPeriod },
        consecutiveNoShows: 0,
      };
    }
    case 'ProgressReportDue':
      return event.basis === 'calendar-days' ? { ...state, progress: { ...state.progress, calendarDeadlinePassed: true } } : state;
    case 'SessionPaused':
      return updateSession(state, event.sessionId, (session) => ({ ...session, paused: true }));
    case 'SessionResumed':
      return updateSession(state, event.sessionId, (session) => ({
        ...session,
        paused: false,
        documentation: {
          ...session.documentation,
          lines: mergeSessionLines(session.documentation.lines, event.continuation.lines),
          techniques: [...new Set([...session.documentation.techniques, ...event.continuation.techniques])],
          pressure: [...session.documentation.pressure, ...event.continuation.pressure],
        },
      }));
    case 'SessionCancelled':
      return { ...state, visits: [...state.visits, { kind: 'cancelled', sessionId: event.sessionId, date: event.date }] };
    case 'NoShowRecorded':
      return {
        ...state,
        visits: [...state.visits, { kind: 'no-show', sessionId: event.sessionId, date: event.date }],
        consecutiveNoShows: event.consecutiveNoShows,
      };
    case 'NoteSigned':
      return updateSession(state, event.sessionId, (session) => ({ ...session, signed: true }));
    case 'AddendumAdded':
      return updateSession(state, event.sessionId, (session) => ({
        ...session,
        addendumIds: [...session.addendumIds, event.addendumId],
        documentation:
          event.correctedLines === undefined ? session.documentation : { ...session.documentation, lines: event.correctedLines },
      }));
    case 'ProgressReportRecorded': {
      // A report carries the primary measure once: it is a goal's measure, and every goal is reported.
      const primary = event.measures.filter((m) => m.measure === state.plan?.primaryMeasure).map((m) => m.value);
      return {
        ...state,
        progress: {
          periodStart: event.reportedOn,
          treatmentDaysInPeriod: 0,
          reportIds: [...state.progress.reportIds, event.reportId],
          calendarDeadlinePassed: false,
        },
        latestMeasures: withMeasures(state.latestMeasures, event.measures),
        plateauWatch: [...state.plateauWatch, ...primary.slice(0, 1)],
      };
    }
    case 'PlateauDetected':
      return { ...state, plateauPending: true };
    case 'PlateauDecisionRecorded':
      // The watch starts again from the latest score: the next plateau needs two new periods.
      return { ...state, plateauPending: false, plateauWatch: state.plateauWatch.slice(-1) };
    case 'ReevaluationRecorded':
      return {
        ...state,
        reevaluationIds: [...state.reevaluationIds, event.reevaluationId],
        latestMeasures: withMeasures(state.latestMeasures, event.measures),
      };
    case 'EpisodeDischarged':
      return { ...state, status: 'finished', dischargedOn: event.dischargedOn };
    case 'EpisodeCancelled':
      return { ...state, status: 'cancelled' };
    case 'TherapyThresholdCrossed':
      return {
        ...state,
        thresholdCrossings: [...state.thresholdCrossings, { year: event.year, payerId: event.payerId, threshold: event.threshold }],
      };
    case 'CertificationDelinquent':
      return { ...state, certification: { ...state.certification, certificationDeadlinePassed: true, delinquent: true } };
    case 'SessionsCertificationDelinquent':
      return {
        ...state,
        visits: state.visits.map((visit) =>
          visit.kind === 'session' && event.sessionIds.includes(visit.sessionId)
            ? { ...visit, certificationStanding: 'delinquent' }
            : visit,
        ),
      };
    case 'VerbalOrderDelinquent':
      return { ...state, certification: { ...state.certification, verbalOrderDeadlinePassed: true, delinquent: true } };
    case 'CertifiedPeriodEnded':
      return { ...state, certification: { ...state.certification, periodEndPassed: true } };
    case 'AuthorizationEnded':
      return { ...state, authorizationEndPassed: true };
    case 'NoteSignatureOverdue':
      return updateSession(state, event.sessionId, (session) => ({ ...session, signatureOverduePassed: true }));
    case 'ProgressReportDueSoon':
    case 'NoShowDischargePromptRaised':
    case 'CorrectedClaimRequired':
    case 'ReferringProviderNoticeIssued':
    case 'ClearanceSignalRefused':
      // Notices for people and consumers; the episode's state does not change.
      return state;
  }
};
