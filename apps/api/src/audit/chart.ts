/**
 * The chart of one episode as an auditor reads it (docs/api-reads.md#audit-packet): every recorded fact
 * in its section, in the order it was recorded, each note followed by its addenda, and the charges.
 * Built from the event stream (the record), worded by the timeline's formatters, so the chart and the
 * timeline never tell two stories. The auditor's packet is the full record: note text included.
 */
import type { CareEpisodeEvent } from '@careflow/domain';
import type { EpisodeCharge } from '../billing-read/billing-reads';
import { describeEvent, type StoredEpisodeEvent } from '../episodes-read/timeline';

export const chartSections = [
  'Referral',
  'Screening',
  'Assessment',
  'Plan of care and certifications',
  'Notes',
  'Progress reports',
  'Discharge',
  'Charges',
] as const;
export type ChartSection = (typeof chartSections)[number];

export interface ChartEntry {
  readonly heading: string;
  readonly lines: readonly string[];
}

export interface Chart {
  readonly episodeId: string;
  readonly sections: ReadonlyArray<{ readonly title: ChartSection; readonly entries: readonly ChartEntry[] }>;
}

const sectionOf = (event: CareEpisodeEvent): ChartSection => {
  switch (event.type) {
    case 'ReferralReceived':
    case 'ReferralRouted':
    case 'TherapistOffered':
    case 'OfferAccepted':
    case 'OfferDeclined':
    case 'OfferExpired':
    case 'RoutingEscalated':
    case 'ReferralDeclined':
    case 'OrderRenewed':
    case 'AuthorizationRecorded':
    case 'AuthorizationEnded':
    case 'ReferringProviderNoticeIssued':
      return 'Referral';
    case 'IntakeRecorded':
    case 'ContraindicationFlagged':
    case 'ClearanceRequested':
    case 'ClearanceGranted':
    case 'ClearanceSignalRefused':
    case 'EpisodePutOnHold':
    case 'EpisodeResumed':
      return 'Screening';
    case 'AssessmentRecorded':
    case 'ReevaluationRecorded':
      return 'Assessment';
    case 'PlanOfCareEstablished':
    case 'PlanOfCareRevised':
    case 'PlanOfCareCertified':
    case 'VerbalOrderReceived':
    case 'VerbalOrderSigned':
    case 'PlanOfCareRecertified':
    case 'CertificationDelinquent':
    case 'VerbalOrderDelinquent':
    case 'CertifiedPeriodEnded':
      return 'Plan of care and certifications';
    case 'SessionRecorded':
    case 'SessionPaused':
    case 'SessionResumed':
    case 'SessionCancelled':
    case 'NoShowRecorded':
    case 'NoShowDischargePromptRaised':
    case 'NoteSigned':
    case 'AddendumAdded':
    case 'CorrectedClaimRequired':
    case 'NoteSignatureOverdue':
    case 'SessionsCertificationDelinquent':
    case 'TherapyThresholdCrossed':
      return 'Notes';
    case 'ProgressReportDueSoon':
    case 'ProgressReportDue':
    case 'ProgressReportRecorded':
    case 'PlateauDetected':
    case 'PlateauDecisionRecorded':
      return 'Progress reports';
    case 'EpisodeDischarged':
    case 'EpisodeCancelled':
      return 'Discharge';
  }
};

/** What the chart shows beyond the timeline's words: the records in full. */
const recordLines = (event: CareEpisodeEvent): string[] => {
  switch (event.type) {
    case 'ReferralReceived': {
      const { patient, payer } = event.referral;
      return [
        `patient: ${patient.name}, MRN ${patient.mrn}, born ${patient.birthDate}, ${patient.sex}, resides in ${patient.stateOfResidence}`,
        `payer: ${payer.payerId}${payer.memberId ? `, member ${payer.memberId}` : ''}`,
        ...(event.referral.bodyRegions ? [`regions: ${event.referral.bodyRegions.join(', ')}`] : []),
        ...(event.referral.precautions?.length ? [`precautions: ${event.referral.precautions.join('; ')}`] : []),
      ];
    }
    case 'IntakeRecorded': {
      const { intake } = event;
      return [
        `medical history: ${intake.medicalHistory.join('; ') || 'none'}`,
        `medications: ${intake.medications.map((m) => (typeof m === 'string' ? m : m.name)).join('; ') || 'none'}`,
        `allergies: ${intake.allergies.join('; ') || 'none'}`,
        ...intake.recentSurgeries.map((s) => `surgery: ${s.procedure} on ${s.date} (${s.bodyRegions.join(', ')})`),
        ...(intake.pregnant === undefined ? [] : [`pregnant: ${intake.pregnant ? 'yes' : 'no'}`]),
      ];
    }
    case 'AssessmentRecorded':
      return [
        ...event.assessment.specialTests.map((t) => `special test ${t.name} (${t.side}): ${t.result}`),
        ...event.assessment.rangeOfMotion.map((r) => `range of motion ${r.joint} ${r.motion}: ${r.degrees} degrees`),
        `pain regions: ${event.assessment.painRegions.join(', ') || 'none'}`,
        ...(event.assessment.posturalFindings.length > 0 ? [`postural findings: ${event.assessment.posturalFindings.join('; ')}`] : []),
      ];
    case 'PlanOfCareEstablished':
    case 'PlanOfCareRevised':
      return [
        `techniques: ${event.plan.techniques.join(', ')}`,
        ...event.plan.goals.map((goal) => `goal ${goal.goalId}: ${goal.description}`),
        ...(event.plan.precautions.length > 0 ? [`precautions: ${event.plan.precautions.join('; ')}`] : []),
      ];
    case 'SessionRecorded':
      return [
        `techniques: ${event.session.techniques.join(', ') || 'none'}`,
        ...event.session.pressure.map((p) => `pressure on ${p.bodyRegion}${p.technique ? ` (${p.technique})` : ''}: ${p.pressure}`),
        ...(event.session.painBefore === undefined ? [] : [`pain before: ${event.session.painBefore}/10`]),
        ...(event.session.painAfter === undefined ? [] : [`pain after: ${event.session.painAfter}/10`]),
      ];
    default:
      return [];
  }
};

const entryOf = (stored: StoredEpisodeEvent): ChartEntry => {
  const { event } = stored;
  const described = describeEvent(event, { noteText: true });
  return {
    heading: `${event.occurredAt.slice(0, 10)} · ${described.summary}`,
    lines: [...described.details, ...recordLines(event), `recorded ${stored.recordedAt} by ${event.actor.userId} (${event.actor.role})`],
  };
};

/** Addenda and signatures belong under their session's note, not where they fall in time. */
const sessionOf = (event: CareEpisodeEvent): string | undefined => {
  switch (event.type) {
    case 'AddendumAdded':
    case 'NoteSigned':
    case 'SessionPaused':
    case 'SessionResumed':
    case 'CorrectedClaimRequired':
    case 'NoteSignatureOverdue':
      return event.sessionId;
    default:
      return undefined;
  }
};

const notesInOrder = (events: readonly StoredEpisodeEvent[]): StoredEpisodeEvent[] => {
  const recordedSessions = new Set(events.flatMap((s) => (s.event.type === 'SessionRecorded' ? [s.event.sessionId] : [])));
  const attached = (stored: StoredEpisodeEvent): string | undefined => {
    const sessionId = sessionOf(stored.event);
    return sessionId !== undefined && recordedSessions.has(sessionId) ? sessionId : undefined;
  };
  return events.flatMap((stored) => {
    if (attached(stored) !== undefined) return [];
    if (stored.event.type !== 'SessionRecorded') return [stored];
    const sessionId = stored.event.sessionId;
    return [stored, ...events.filter((other) => attached(other) === sessionId)];
  });
};

const dollars = (cents: number): string => `$${(cents / 100).toFixed(2)}`;

/** A charge as billing keeps it; the chart shows it, it does not re-price it. */
const chargeEntry = (charge: EpisodeCharge): ChartEntry => ({
  heading: `${charge.serviceDate} · ${charge.billedUnits} unit(s), ${dollars(charge.amountCents)} · payer ${charge.payerId} · version ${charge.version}`,
  lines: [
    ...charge.lines.map(
      (line) =>
        `${line.code}: ${line.minutes} min, ${line.units} unit(s), ${dollars(line.amountCents)}${line.modifiers.length > 0 ? `, modifiers ${line.modifiers.join(' ')}` : ''}${line.billable ? '' : ` (not billable: ${line.notBillableReason ?? 'no reason recorded'})`}`,
    ),
    `certification: ${charge.certificationStanding}${charge.held ? ', held' : ''}${charge.flagged ? ', flagged' : ''}${charge.notesSigned ? '' : ', notes unsigned'}`,
    ...(charge.kxCrossed ? ['KX threshold crossed'] : []),
    ...(charge.reviewCrossed ? ['targeted medical review threshold crossed'] : []),
    ...(charge.problem === null ? [] : [`not charged: ${charge.problem}`]),
  ],
});

export const chartOf = (episodeId: string, events: readonly StoredEpisodeEvent[], charges: readonly EpisodeCharge[]): Chart => ({
  episodeId,
  sections: chartSections.map((title) => ({
    title,
    entries:
      title === 'Charges'
        ? charges.map(chargeEntry)
        : (title === 'Notes'
            ? notesInOrder(events.filter((s) => sectionOf(s.event) === 'Notes'))
            : events.filter((s) => sectionOf(s.event) === title)
          ).map(entryOf),
  })),
});
