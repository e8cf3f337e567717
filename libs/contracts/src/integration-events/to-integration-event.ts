/**
 * Domain event → integration event: a whitelist, field by field, so a field the domain adds later
 * stays off the topics until someone decides it may go there (and documents why).
 */
import type { CareEpisodeEvent, Practitioner, RegionPressure, SessionLine } from '@careflow/domain';
import type { IntegrationEvent } from './schemas';

/** Facts about the event that live beside it in the store, not in its data. */
export interface IntegrationEventFacts {
  readonly episodeId: string;
  /** From the patient-key derivation (a keyed hash of facility and MRN), never the MRN itself. */
  readonly patientKey: string;
  /** From the stored event's metadata; events recorded before it was kept there have none. */
  readonly departmentId?: string;
}

const practitioner = (who: Practitioner) => ({ npi: who.npi, credential: who.credential });
const lines = (from: readonly SessionLine[]) =>
  from.map((line) => ({ code: line.code, minutes: line.minutes, bodyRegions: [...line.bodyRegions] }));
const pressures = (from: readonly RegionPressure[]) =>
  from.map((entry) => ({
    bodyRegion: entry.bodyRegion,
    pressure: entry.pressure,
    ...(entry.technique === undefined ? {} : { technique: entry.technique }),
  }));
/** Optional fields stay absent rather than `undefined`, so the JSON equals what the schema describes. */
const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

const planOf = (plan: Extract<CareEpisodeEvent, { type: 'PlanOfCareEstablished' }>['plan']) => ({
  goals: plan.goals.map(({ goalId, measure, baseline, target, targetDate }) => ({ goalId, measure, baseline, target, targetDate })),
  primaryMeasure: plan.primaryMeasure,
  techniques: [...plan.techniques],
  frequencyPerWeek: plan.frequencyPerWeek,
  durationWeeks: plan.durationWeeks,
  ...optional('bodyRegions', plan.bodyRegions && [...plan.bodyRegions]),
});

const facts = (
  event: CareEpisodeEvent,
  { episodeId, patientKey, departmentId }: IntegrationEventFacts,
): { episodeId: string; patientKey: string; departmentId?: string; occurredAt: string; actor: { userId: string; role: string } } => ({
  episodeId,
  patientKey,
  ...optional('departmentId', departmentId),
  occurredAt: event.occurredAt,
  actor: { userId: event.actor.userId, role: event.actor.role },
});

/** The integration event (current version) of a domain event. Pure: no clock, no IO, no crypto. */
export const toIntegrationEvent = (event: CareEpisodeEvent, envelope: IntegrationEventFacts): IntegrationEvent => {
  const base = facts(event, envelope);
  switch (event.type) {
    case 'ReferralReceived': {
      const { referral } = event;
      return {
        type: event.type,
        version: 1,
        data: {
          ...base,
          referralId: referral.referralId,
          diagnosisCodes: [...referral.diagnosisCodes],
          referralDate: referral.referralDate,
          validThrough: event.validThrough,
          referringProviderNpi: referral.referringProvider.npi,
          payerId: referral.payer.payerId,
          ...optional('bodyRegions', referral.bodyRegions && [...referral.bodyRegions]),
          ...optional(
            'authorization',
            referral.authorization && {
              ...optional('visits', referral.authorization.visits),
              ...optional('endDate', referral.authorization.endDate),
            },
          ),
          ...optional('priority', referral.priority),
          ...optional('cancerHistory', referral.cancerHistory),
        },
      };
    }
    case 'ReferralRouted':
      return {
        type: event.type,
        version: 1,
        data: {
          ...base,
          referralDate: event.request.referralDate,
          expectedPlanEnd: event.request.expectedPlanEnd,
          diagnosisCodes: [...event.request.diagnosisCodes],
          cancerHistory: event.request.cancerHistory,
          previousTherapistIds: [...event.request.previousTherapistIds],
          ranked: event.decision.ranked.map((candidate) => ({ therapistId: candidate.therapistId, score: candidate.score })),
          excluded: event.decision.excluded.map((candidate) => ({
            therapistId: candidate.therapistId,
            score: candidate.score,
            rules: candidate.exclusions.map((exclusion) => exclusion.rule),
          })),
          requiredCertificates: [...event.decision.requiredCertificates],
          preferredCertificates: [...event.decision.preferredCertificates],
        },
      };
    case 'TherapistOffered':
      return {
        type: event.type,
        version: 1,
        data: { ...base, therapistId: event.therapistId, expiresAt: event.expiresAt, byLead: event.byLead },
      };
    case 'OfferAccepted':
    case 'OfferDeclined':
    case 'OfferExpired':
      return { type: event.type, version: 1, data: { ...base, therapistId: event.therapistId } };
    case 'RoutingEscalated':
      return { type: event.type, version: 1, data: { ...base, reason: event.reason } };
    case 'ReferralDeclined':
    case 'EpisodeResumed':
    case 'EpisodeCancelled':
      return { type: event.type, version: 1, data: base };
    case 'IntakeRecorded':
      return {
        type: event.type,
        version: 1,
        data: {
          ...base,
          findings: event.intake.findings.map((finding) => ({
            findingId: finding.findingId,
            condition: finding.condition,
            ...optional('occurredOn', finding.occurredOn),
            ...optional('bodyRegions', finding.bodyRegions && [...finding.bodyRegions]),
          })),
        },
      };
    case 'ContraindicationFlagged': {
      const { contraindication } = event;
      return {
        type: event.type,
        version: 1,
        data: {
          ...base,
          findingId: contraindication.findingId,
          condition: contraindication.condition,
          severity: contraindication.severity,
          restrictions: contraindication.restrictions.map((restriction) => {
            switch (restriction.kind) {
              case 'technique':
                return { kind: restriction.kind, technique: restriction.technique };
              case 'pressure':
                return {
                  kind: restriction.kind,
                  max: restriction.max,
                  regions: [...restriction.regions],
                  ...optional('technique', restriction.technique),
                };
              case 'site':
                return { kind: restriction.kind, regions: [...restriction.regions] };
            }
          }),
          ...optional('site', contraindication.site && [...contraindication.site]),
        },
      };
    }
    case 'ClearanceRequested':
      return {
        type: event.type,
        version: 1,
        data: { ...base, findingId: event.findingId, referringProviderNpi: event.referringProviderNpi },
      };
    case 'ClearanceGranted':
      return {
        type: event.type,
        version: 1,
        data: { ...base, findingId: event.findingId, clearedBy: practitioner(event.clearedBy), clearedOn: event.clearedOn },
      };
    case 'EpisodePutOnHold':
      return { type: event.type, version: 1, data: { ...base, reason: event.reason } };
    case 'AssessmentRecorded': {
      const { assessment } = event;
      return {
        type: event.type,
        version: 1,
        data: {
          ...base,
          assessedOn: assessment.assessedOn,
          painRegions: [...assessment.painRegions],
          measures: assessment.measures.map(({ measure, value }) => ({ measure, value })),
          ...optional('evaluationCode', assessment.evaluationCode),
        },
      };
    }
    case 'PlanOfCareEstablished':
      return {
        type: event.type,
        version: 1,
        data: { ...base, plan: planOf(event.plan), planVersion: event.version, periodStart: event.periodStart, periodEnd: event.periodEnd },
      };
    case 'PlanOfCareRevised':
      return {
        type: event.type,
        version: 1,
        data: {
          ...base,
          plan: planOf(event.plan),
          planVersion: event.version,
          materialChanges: [...event.materialChanges],
          recertificationRequired: event.recertificationRequired,
          periodEnd: event.periodEnd,
        },
      };
    case 'PlanOfCareCertified':
      return {
        type: event.type,
        version: 1,
        data: { ...base, certifier: practitioner(event.certifier), signedOn: event.signedOn, timely: event.timely },
      };
    case 'VerbalOrderReceived':
      return {
        type: event.type,
        version: 1,
        data: {
          ...base,
          certifier: practitioner(event.certifier),
          orderedOn: event.orderedOn,
          timely: event.timely,
          signatureDueOn: event.signatureDueOn,
        },
      };
    case 'VerbalOrderSigned':
      return { type: event.type, version: 1, data: { ...base, signedOn: event.signedOn, timely: event.timely } };
    case 'PlanOfCareRecertified':
      return {
        type: event.type,
        version: 1,
        data: {
          ...base,
          certifier: practitioner(event.certifier),
          signedOn: event.signedOn,
          periodStart: event.periodStart,
          periodEnd: event.periodEnd,
        },
      };
    case 'OrderRenewed':
      return {
        type: event.type,
        version: 1,
        data: { ...base, orderedBy: practitioner(event.orderedBy), orderedOn: event.orderedOn, validThrough: event.validThrough },
      };
    case 'AuthorizationRecorded':
      return {
        type: event.type,
        version: 1,
        data: {
          ...base,
          ...optional('addedVisits', event.addedVisits),
          ...optional('endDate', event.endDate),
          authorization: { ...optional('visits', event.authorization.visits), ...optional('endDate', event.authorization.endDate) },
        },
      };
    case 'SessionRecorded': {
      const { session } = event;
      return {
        type: event.type,
        version: 1,
        data: {
          ...base,
          sessionId: event.sessionId,
          date: session.date,
          therapistId: session.therapist.therapistId,
          lines: lines(session.lines),
          techniques: [...session.techniques],
          pressure: pressures(session.pressure),
          ...optional('painBefore', session.painBefore),
          ...optional('painAfter', session.painAfter),
          adverseEventCount: session.adverseEvents.length,
          selfPay: session.selfPay,
          visitNumber: event.visitNumber,
          newTreatmentDay: event.newTreatmentDay,
          treatmentDaysInPeriod: event.treatmentDaysInPeriod,
          certificationStanding: event.certificationStanding,
        },
      };
    }
    case 'ProgressReportDueSoon':
      return { type: event.type, version: 1, data: { ...base, treatmentDaysInPeriod: event.treatmentDaysInPeriod } };
    case 'ProgressReportDue':
      return { type: event.type, version: 1, data: { ...base, basis: event.basis } };
    case 'SessionPaused':
    case 'NoteSigned':
      return { type: event.type, version: 1, data: { ...base, sessionId: event.sessionId } };
    case 'SessionResumed':
      return {
        type: event.type,
        version: 1,
        data: {
          ...base,
          sessionId: event.sessionId,
          lines: lines(event.continuation.lines),
          techniques: [...event.continuation.techniques],
          pressure: pressures(event.continuation.pressure),
        },
      };
    case 'SessionCancelled':
      return {
        type: event.type,
        version: 1,
        data: { ...base, sessionId: event.sessionId, date: event.date, cancelledBy: event.cancelledBy },
      };
    case 'NoShowRecorded':
      return {
        type: event.type,
        version: 1,
        data: { ...base, sessionId: event.sessionId, date: event.date, consecutiveNoShows: event.consecutiveNoShows },
      };
    case 'NoShowDischargePromptRaised':
      return { type: event.type, version: 1, data: { ...base, consecutiveNoShows: event.consecutiveNoShows } };
    case 'AddendumAdded':
      return {
        type: event.type,
        version: 1,
        data: {
          ...base,
          sessionId: event.sessionId,
          addendumId: event.addendumId,
          ...optional('correctedLines', event.correctedLines && lines(event.correctedLines)),
        },
      };
    case 'CorrectedClaimRequired':
      return {
        type: event.type,
        version: 1,
        data: { ...base, sessionId: event.sessionId, addendumId: event.addendumId, changedFields: [...event.changedFields] },
      };
    case 'ProgressReportRecorded':
      return {
        type: event.type,
        version: 1,
        data: {
          ...base,
          reportId: event.reportId,
          reportedOn: event.reportedOn,
          measures: event.measures.map(({ measure, value }) => ({ measure, value })),
          goals: event.goals.map(({ goalId, measure, value, status }) => ({ goalId, measure, value, status })),
          treatmentDaysInPeriod: event.treatmentDaysInPeriod,
        },
      };
    case 'PlateauDetected':
      return { type: event.type, version: 1, data: { ...base, measure: event.measure, values: [...event.values] } };
    case 'PlateauDecisionRecorded':
      return { type: event.type, version: 1, data: { ...base, decision: event.decision } };
    case 'ReevaluationRecorded':
      return {
        type: event.type,
        version: 1,
        data: {
          ...base,
          reevaluationId: event.reevaluationId,
          reevaluatedOn: event.reevaluatedOn,
          reason: event.reason,
          measures: event.measures.map(({ measure, value }) => ({ measure, value })),
          billAsReevaluation: event.billAsReevaluation,
        },
      };
    case 'EpisodeDischarged': {
      const { summary } = event;
      return {
        type: event.type,
        version: 1,
        data: {
          ...base,
          dischargedOn: event.dischargedOn,
          reason: event.reason,
          measures: summary.measures.map(({ measure, baseline, atDischarge, improvement, clinicallyImportant }) => ({
            measure,
            baseline,
            atDischarge,
            improvement,
            clinicallyImportant,
          })),
          goals: summary.goals.map(({ goalId, measure, target, status }) => ({ goalId, measure, target, status })),
          sessionsDelivered: summary.sessionsDelivered,
          noShows: summary.noShows,
          cancellations: summary.cancellations,
        },
      };
    }
    case 'ReferringProviderNoticeIssued':
      return {
        type: event.type,
        version: 1,
        data: {
          ...base,
          notice: event.notice,
          referralId: event.referralId,
          referringProviderNpi: event.referringProviderNpi,
          ...optional('reportId', event.reportId),
        },
      };
    case 'TherapyThresholdCrossed':
      return {
        type: event.type,
        version: 1,
        data: {
          ...base,
          payerId: event.payerId,
          year: event.year,
          threshold: event.threshold,
          sessionId: event.sessionId,
          thresholdCents: event.thresholdCents,
          yearToDateBeforeCents: event.yearToDateBeforeCents,
          yearToDateAfterCents: event.yearToDateAfterCents,
        },
      };
    case 'CertificationDelinquent':
    case 'VerbalOrderDelinquent':
      return { type: event.type, version: 1, data: { ...base, dueOn: event.dueOn } };
    case 'SessionsCertificationDelinquent':
      return { type: event.type, version: 1, data: { ...base, sessionIds: [...event.sessionIds], cause: event.cause } };
    case 'CertifiedPeriodEnded':
      return { type: event.type, version: 1, data: { ...base, periodEnd: event.periodEnd } };
    case 'AuthorizationEnded':
      return { type: event.type, version: 1, data: { ...base, endDate: event.endDate } };
    case 'NoteSignatureOverdue':
      return { type: event.type, version: 1, data: { ...base, sessionId: event.sessionId, overdueSince: event.overdueSince } };
    case 'ClearanceSignalRefused':
      return {
        type: event.type,
        version: 1,
        data: { ...base, claimedRole: event.claimedRole, reason: event.reason, ...optional('refusalCode', event.refusalCode) },
      };
  }
};
