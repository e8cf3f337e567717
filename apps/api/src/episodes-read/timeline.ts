/**
 * An episode's events in the clinic's words (docs/api-reads.md#timeline). One pure formatter per event
 * type, chosen by an exhaustive switch, so a new event type does not compile until it has its words.
 * Free text (reasons, notes, narratives) is shown only to callers with `episode:note-text`; the patient's
 * identity is never part of the timeline.
 */
import type { CandidateAssessment, CareEpisodeEvent, Practitioner, SessionLine, TechniqueRestriction } from '@careflow/domain';

export interface TimelineView {
  /** The caller holds `episode:note-text`: free-text fields are quoted, otherwise they are left out. */
  readonly noteText: boolean;
}

export interface EventWords {
  /** One sentence a clinician would write in the chart. */
  readonly summary: string;
  /** Further lines: routing candidates and exclusions, measures, goals. */
  readonly details: readonly string[];
}

const words = (summary: string, details: readonly string[] = []): EventWords => ({ summary, details });

const practitioner = (p: Practitioner): string => `${p.name}, ${p.credential} (NPI ${p.npi})`;

/** A free-text field, quoted for callers who may read note text. */
const quoted = (view: TimelineView, label: string, text: string | undefined): string[] =>
  text === undefined || text.trim() === '' ? [] : view.noteText ? [`${label}: "${text}"`] : [`${label}: (note text withheld)`];

const minutes = (lines: readonly SessionLine[]): string =>
  lines.map((line) => `${line.code} ${line.minutes} min (${line.bodyRegions.join(', ')})`).join('; ');

const candidate = (assessment: CandidateAssessment): string =>
  assessment.eligible
    ? `candidate ${assessment.therapistId}: score ${assessment.score}${assessment.reasons.length > 0 ? ` (${assessment.reasons.join('; ')})` : ''}`
    : `excluded ${assessment.therapistId}: ${assessment.exclusions.map((e) => `${e.rule}: ${e.detail}`).join('; ')} (score ${assessment.score})`;

const restriction = (r: TechniqueRestriction): string => {
  switch (r.kind) {
    case 'technique':
      return `restriction: no ${r.technique}`;
    case 'pressure':
      return `restriction: at most ${r.max} pressure${r.technique ? ` with ${r.technique}` : ''} on ${r.regions.join(', ')}`;
    case 'site':
      return `restriction: no treatment on ${r.regions.join(', ')}`;
  }
};

const escalations: Record<string, string> = {
  'no-eligible-therapist': 'no eligible therapist',
  'offer-limit-reached': 'the offer limit was reached',
  'candidates-exhausted': 'every eligible therapist was offered the referral',
  requested: 'it was requested',
};

const deadlineDetails = (lastDay: string): string[] => [`last day: ${lastDay}`];

export const describeEvent = (event: CareEpisodeEvent, view: TimelineView): EventWords => {
  switch (event.type) {
    case 'ReferralReceived':
      return words(`Referral received from ${practitioner(event.referral.referringProvider)} for ${event.referral.orderedService}.`, [
        `diagnoses: ${event.referral.diagnosisCodes.join(', ')}`,
        `referral date ${event.referral.referralDate}, valid through ${event.validThrough}`,
        `priority: ${event.referral.priority ?? 'routine'}`,
      ]);
    case 'ReferralRouted':
      return words(`Referral routed: ${event.decision.ranked.length} eligible therapist(s), ${event.decision.excluded.length} excluded.`, [
        ...(event.decision.requiredCertificates.length > 0
          ? [`required certificates: ${event.decision.requiredCertificates.join(', ')}`]
          : []),
        ...(event.decision.preferredCertificates.length > 0
          ? [`preferred certificates: ${event.decision.preferredCertificates.join(', ')}`]
          : []),
        ...event.decision.ranked.map(candidate),
        ...event.decision.excluded.map(candidate),
      ]);
    case 'TherapistOffered':
      return words(
        `Referral offered to therapist ${event.therapistId}${event.byLead ? ' by the department lead' : ' as the best-ranked candidate'}.`,
        [`the offer expires at ${event.expiresAt}`],
      );
    case 'OfferAccepted':
      return words(`Therapist ${event.therapistId} accepted the referral.`);
    case 'OfferDeclined':
      return words(`Therapist ${event.therapistId} declined the referral.`, quoted(view, 'reason', event.reason));
    case 'OfferExpired':
      return words(`The offer to therapist ${event.therapistId} expired without an answer.`);
    case 'RoutingEscalated':
      return words(
        `Referral escalated to the department lead: ${escalations[event.reason] ?? event.reason}.`,
        quoted(view, 'note', event.note),
      );
    case 'ReferralDeclined':
      return words('Referral declined by the department.', quoted(view, 'reason', event.reason));
    case 'IntakeRecorded':
      return words(`Intake recorded with ${event.intake.findings.length} screening finding(s).`, [
        ...event.intake.findings.map((finding) => `finding ${finding.findingId}: ${finding.condition}`),
        ...(view.noteText ? [`patient goals: ${event.intake.patientGoals.join('; ') || 'none stated'}`] : []),
      ]);
    case 'ContraindicationFlagged':
      return words(`Contraindication flagged: ${event.contraindication.condition} (${event.contraindication.severity}).`, [
        ...(event.contraindication.site ? [`site: ${event.contraindication.site.join(', ')}`] : []),
        ...event.contraindication.restrictions.map(restriction),
      ]);
    case 'ClearanceRequested':
      return words(
        `Medical clearance requested for finding ${event.findingId} from the referring provider (NPI ${event.referringProviderNpi}).`,
      );
    case 'ClearanceGranted':
      return words(`Medical clearance for finding ${event.findingId} granted by ${practitioner(event.clearedBy)} on ${event.clearedOn}.`);
    case 'EpisodePutOnHold':
      return words(
        `Episode put on hold ${event.reason === 'contraindication' ? 'for a contraindication awaiting clearance' : 'on request'}.`,
        quoted(view, 'note', event.note),
      );
    case 'EpisodeResumed':
      return words('Episode resumed.');
    case 'AssessmentRecorded':
      return words(`Initial assessment on ${event.assessment.assessedOn}.`, [
        ...event.assessment.measures.map((m) => `baseline ${m.measure}: ${m.value}`),
        ...(event.assessment.evaluationCode ? [`evaluation code ${event.assessment.evaluationCode}`] : []),
      ]);
    case 'PlanOfCareEstablished':
      return words(`Plan of care version ${event.version} established for ${event.periodStart} to ${event.periodEnd}.`, [
        `${event.plan.frequencyPerWeek} times a week for ${event.plan.durationWeeks} weeks; primary measure ${event.plan.primaryMeasure}`,
        ...event.plan.goals.map(
          (goal) => `goal ${goal.goalId}: ${goal.measure} from ${goal.baseline} to ${goal.target} by ${goal.targetDate}`,
        ),
      ]);
    case 'PlanOfCareRevised':
      return words(`Plan of care revised to version ${event.version}; the period ends ${event.periodEnd}.`, [
        ...(event.materialChanges.length > 0 ? [`material changes: ${event.materialChanges.join(', ')}`] : []),
        ...(event.recertificationRequired ? ['recertification required'] : []),
        ...quoted(view, 'reason', event.reason),
      ]);
    case 'PlanOfCareCertified':
      return words(`Plan of care certified by ${practitioner(event.certifier)} on ${event.signedOn}${event.timely ? '' : ' (late)'}.`);
    case 'VerbalOrderReceived':
      return words(`Verbal order received from ${practitioner(event.certifier)} on ${event.orderedOn}${event.timely ? '' : ' (late)'}.`, [
        `signature due by ${event.signatureDueOn}`,
      ]);
    case 'VerbalOrderSigned':
      return words(`Verbal order signed on ${event.signedOn}${event.timely ? '' : ' (late)'}.`);
    case 'PlanOfCareRecertified':
      return words(
        `Plan of care recertified by ${practitioner(event.certifier)} on ${event.signedOn} for ${event.periodStart} to ${event.periodEnd}.`,
      );
    case 'OrderRenewed':
      return words(`Order renewed by ${practitioner(event.orderedBy)} on ${event.orderedOn}, valid through ${event.validThrough}.`);
    case 'AuthorizationRecorded':
      return words('Payer authorization recorded.', [
        ...(event.addedVisits === undefined ? [] : [`visits added: ${event.addedVisits}`]),
        `in force: ${event.authorization.visits ?? 'unlimited'} visit(s)${event.authorization.endDate ? ` through ${event.authorization.endDate}` : ''}`,
      ]);
    case 'SessionRecorded':
      return words(
        `Session ${event.sessionId} on ${event.session.date} by therapist ${event.session.therapist.therapistId} (visit ${event.visitNumber}).`,
        [
          minutes(event.session.lines),
          `treatment days in the progress period: ${event.treatmentDaysInPeriod}`,
          `certification: ${event.certificationStanding}`,
          ...(event.session.selfPay ? ['self-pay visit'] : []),
          ...quoted(view, 'patient feedback', event.session.patientFeedback),
          ...(event.session.adverseEvents.length > 0 ? quoted(view, 'adverse events', event.session.adverseEvents.join('; ')) : []),
        ],
      );
    case 'ProgressReportDueSoon':
      return words(`A progress report is due soon (${event.treatmentDaysInPeriod} treatment days in the period).`);
    case 'ProgressReportDue':
      return words(`A progress report is due (by ${event.basis === 'treatment-days' ? 'treatment days' : 'calendar days'}).`);
    case 'SessionPaused':
      return words(`Session ${event.sessionId} paused.`, quoted(view, 'reason', event.reason));
    case 'SessionResumed':
      return words(`Session ${event.sessionId} resumed.`, event.continuation.lines.length > 0 ? [minutes(event.continuation.lines)] : []);
    case 'SessionCancelled':
      return words(`Visit on ${event.date} cancelled by the ${event.cancelledBy}.`, quoted(view, 'reason', event.reason));
    case 'NoShowRecorded':
      return words(`No-show on ${event.date} (${event.consecutiveNoShows} in a row).`);
    case 'NoShowDischargePromptRaised':
      return words(`Discharge to be considered after ${event.consecutiveNoShows} consecutive no-shows.`);
    case 'NoteSigned':
      return words(`Note of session ${event.sessionId} signed.`);
    case 'AddendumAdded':
      return words(`Addendum ${event.addendumId} added to the note of session ${event.sessionId}.`, [
        ...quoted(view, 'addendum', event.text),
        ...(event.correctedLines ? [`corrected lines: ${minutes(event.correctedLines)}`] : []),
      ]);
    case 'CorrectedClaimRequired':
      return words(`A corrected claim is needed for session ${event.sessionId} (addendum ${event.addendumId}).`, [
        `changed: ${event.changedFields.join(', ')}`,
      ]);
    case 'ProgressReportRecorded':
      return words(`Progress report ${event.reportId} on ${event.reportedOn}.`, [
        ...event.measures.map((m) => `${m.measure}: ${m.value}`),
        ...event.goals.map((goal) => `goal ${goal.goalId}: ${goal.measure} ${goal.value}, ${goal.status}`),
        ...quoted(view, 'narrative', event.narrative),
        ...quoted(view, 'plan change', event.planChange),
      ]);
    case 'PlateauDetected':
      return words(`Progress has plateaued on ${event.measure} (${event.values.join(', ')}); a decision is needed.`);
    case 'PlateauDecisionRecorded':
      return words(`Plateau decision: ${event.decision}.`, quoted(view, 'justification', event.justification));
    case 'ReevaluationRecorded':
      return words(`Re-evaluation ${event.reevaluationId} on ${event.reevaluatedOn} (${event.reason}).`, [
        ...event.measures.map((m) => `${m.measure}: ${m.value}`),
        ...(event.billAsReevaluation ? ['billed as a re-evaluation'] : []),
        ...quoted(view, 'findings', event.findings),
      ]);
    case 'EpisodeDischarged':
      return words(`Discharged on ${event.dischargedOn}: ${event.reason}.`, [
        `${event.summary.sessionsDelivered} session(s), ${event.summary.noShows} no-show(s), ${event.summary.cancellations} cancellation(s)`,
        ...event.summary.measures.map(
          (m) => `${m.measure}: ${m.baseline} to ${m.atDischarge}${m.clinicallyImportant ? ' (clinically important change)' : ''}`,
        ),
        ...event.summary.goals.map((goal) => `goal ${goal.goalId}: ${goal.status}`),
        ...quoted(view, 'reason', event.reasonText),
        ...quoted(view, 'summary', event.summary.narrative),
      ]);
    case 'EpisodeCancelled':
      return words('Episode cancelled.', quoted(view, 'reason', event.reason));
    case 'ReferringProviderNoticeIssued':
      return words(`Notice to the referring provider (NPI ${event.referringProviderNpi}): ${event.notice}.`);
    case 'TherapyThresholdCrossed':
      return words(
        `The ${event.threshold} therapy threshold of payer ${event.payerId} for ${event.year} was crossed by session ${event.sessionId}.`,
        [
          `threshold ${(event.thresholdCents / 100).toFixed(2)}; year to date ${(event.yearToDateBeforeCents / 100).toFixed(2)} to ${(event.yearToDateAfterCents / 100).toFixed(2)}`,
        ],
      );
    case 'CertificationDelinquent':
      return words('The plan of care was not certified in time: certification is delinquent.', deadlineDetails(event.dueOn));
    case 'SessionsCertificationDelinquent':
      return words(
        `Session(s) ${event.sessionIds.join(', ')} flagged: ${event.cause === 'late-certification' ? 'the certification came late' : 'the certification deadline passed'}.`,
      );
    case 'VerbalOrderDelinquent':
      return words('The verbal order was not signed in time.', deadlineDetails(event.dueOn));
    case 'CertifiedPeriodEnded':
      return words(`The certified period ended on ${event.periodEnd}: no sessions until the plan is recertified.`);
    case 'AuthorizationEnded':
      return words(`The payer authorization ended on ${event.endDate}.`);
    case 'NoteSignatureOverdue':
      return words(`The note of session ${event.sessionId} is unsigned past its deadline (${event.overdueSince}).`);
    case 'ClearanceSignalRefused':
      return words(`A clearance message was not applied: ${event.reason}.`, [
        `claimed role: ${event.claimedRole}`,
        ...(event.refusalCode ? [`refused with ${event.refusalCode}`] : []),
      ]);
  }
};

/** One event of the timeline, as the API answers it. */
export interface TimelineEntry extends EventWords {
  readonly version: number;
  readonly type: CareEpisodeEvent['type'];
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly actor: { readonly userId: string; readonly role: string };
}

export interface StoredEpisodeEvent {
  readonly streamVersion: number;
  readonly recordedAt: string;
  readonly event: CareEpisodeEvent;
}

export const timelineOf = (events: readonly StoredEpisodeEvent[], view: TimelineView): TimelineEntry[] =>
  events.map(({ streamVersion, recordedAt, event }) => ({
    version: streamVersion,
    type: event.type,
    occurredAt: event.occurredAt,
    recordedAt,
    actor: event.actor,
    ...describeEvent(event, view),
  }));
