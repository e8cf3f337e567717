/**
 * Test code only: a patient whose identity and every free text are unique canaries, and one domain
 * event of every type carrying them. The mapped type makes a new event type a compile error here
 * until it has a sample, so the PHI and schema checks always cover every type.
 */
import type { CareEpisodeEvent, CareEpisodeEventType, Referral } from '@careflow/domain';

/** Unique strings that must never appear on a topic. */
export const canaryPatient = {
  name: 'Zebulon Canarywhistle',
  mrn: 'MRN-CNRY-774411',
  birthDate: '1931-07-29',
  memberId: 'MEMBER-CNRY-551900',
} as const;

/** A free text that names the field it was typed into, so a leak says where it came from. */
export const freeText = (field: string): string => `FREETEXT-CNRY ${field} Zebulon Canarywhistle MRN-CNRY-774411`;

/** Every string that may not appear anywhere in a key, a value or a header. */
export const canaries: readonly string[] = [
  canaryPatient.name,
  'Zebulon',
  'Canarywhistle',
  canaryPatient.mrn,
  canaryPatient.birthDate,
  canaryPatient.memberId,
  'FREETEXT-CNRY',
  'Dr. Referrer Canary',
];

export const canaryReferral = (overrides: Partial<Referral> = {}): Referral => ({
  referralId: 'referral-canary',
  patient: {
    mrn: canaryPatient.mrn,
    name: canaryPatient.name,
    birthDate: canaryPatient.birthDate,
    sex: 'male',
    stateOfResidence: 'MD',
  },
  referringProvider: { name: 'Dr. Referrer Canary', npi: '1234567893', credential: 'MD' },
  diagnosisCodes: ['M54.50', 'G89.29'],
  orderedService: freeText('orderedService'),
  referralDate: '2025-03-01',
  payer: { payerId: 'payer-1', memberId: canaryPatient.memberId },
  bodyRegions: ['lower-back'],
  precautions: [freeText('precautions')],
  authorization: { visits: 12, endDate: '2025-06-30' },
  priority: 'urgent',
  cancerHistory: false,
  ...overrides,
});

const at = '2025-03-10T10:00:00.000Z';
const actor = { userId: 'user-therapist-1', role: 'therapist' };
const base = { schemaVersion: 1 as const, occurredAt: at, actor };
const physician = { name: 'Dr. Referrer Canary', npi: '1234567893', credential: 'MD' };
const lines = [{ code: '97140' as const, minutes: 30, bodyRegions: ['lower-back' as const] }];
const plan = {
  goals: [
    {
      goalId: 'goal-pain',
      description: freeText('goal.description'),
      measure: 'NPRS' as const,
      baseline: 7,
      target: 2,
      targetDate: '2025-04-28',
    },
  ],
  primaryMeasure: 'NPRS' as const,
  techniques: ['myofascial-release' as const],
  frequencyPerWeek: 2,
  durationWeeks: 8,
  precautions: [freeText('plan.precautions')],
  bodyRegions: ['lower-back' as const],
};

type EventOf<T extends CareEpisodeEventType> = Extract<CareEpisodeEvent, { type: T }>;

export const sampleOfEachEvent: { readonly [T in CareEpisodeEventType]: EventOf<T> } = {
  ReferralReceived: {
    ...base,
    type: 'ReferralReceived',
    episodeId: 'episode-canary',
    referral: canaryReferral(),
    validThrough: '2025-05-30',
  },
  ReferralRouted: {
    ...base,
    type: 'ReferralRouted',
    request: {
      patientState: 'MD',
      referralDate: '2025-03-01',
      expectedPlanEnd: '2025-05-01',
      diagnosisCodes: ['M54.50'],
      cancerHistory: false,
      previousTherapistIds: ['t-9'],
    },
    decision: {
      ranked: [{ therapistId: 't-1', eligible: true, score: 80, reasons: [freeText('ranked.reasons')], exclusions: [] }],
      excluded: [
        {
          therapistId: 't-2',
          eligible: false,
          score: 20,
          reasons: [freeText('excluded.reasons')],
          exclusions: [{ rule: 'caseload-full', detail: freeText('exclusion.detail') }],
        },
      ],
      requiredCertificates: [],
      preferredCertificates: ['orthopedic'],
    },
  },
  TherapistOffered: { ...base, type: 'TherapistOffered', therapistId: 't-1', expiresAt: '2025-03-11T10:00:00.000Z', byLead: false },
  OfferAccepted: { ...base, type: 'OfferAccepted', therapistId: 't-1' },
  OfferDeclined: { ...base, type: 'OfferDeclined', therapistId: 't-2', reason: freeText('OfferDeclined.reason') },
  OfferExpired: { ...base, type: 'OfferExpired', therapistId: 't-3' },
  RoutingEscalated: { ...base, type: 'RoutingEscalated', reason: 'requested', note: freeText('RoutingEscalated.note') },
  ReferralDeclined: { ...base, type: 'ReferralDeclined', reason: freeText('ReferralDeclined.reason') },
  IntakeRecorded: {
    ...base,
    type: 'IntakeRecorded',
    intake: {
      medicalHistory: [freeText('medicalHistory')],
      medications: [freeText('medications'), { name: freeText('medication.name'), class: 'anticoagulant' }],
      allergies: [freeText('allergies')],
      recentSurgeries: [{ procedure: freeText('surgery.procedure'), date: '2025-01-15', bodyRegions: ['hip-left'] }],
      patientGoals: [freeText('patientGoals')],
      pregnant: false,
      findings: [{ findingId: 'intake-f-1', condition: 'anticoagulant-therapy' }],
    },
  },
  ContraindicationFlagged: {
    ...base,
    type: 'ContraindicationFlagged',
    contraindication: {
      findingId: 'f-2',
      condition: 'recent-surgery',
      severity: 'relative',
      restrictions: [
        { kind: 'site', regions: ['hip-left'] },
        { kind: 'pressure', max: 'light', regions: ['leg-left'], technique: 'deep-tissue' },
        { kind: 'technique', technique: 'cross-fiber-friction' },
      ],
      site: ['hip-left'],
    },
  },
  ClearanceRequested: { ...base, type: 'ClearanceRequested', findingId: 'f-2', referringProviderNpi: '1234567893' },
  ClearanceGranted: { ...base, type: 'ClearanceGranted', findingId: 'f-2', clearedBy: physician, clearedOn: '2025-03-10' },
  EpisodePutOnHold: { ...base, type: 'EpisodePutOnHold', reason: 'requested', note: freeText('EpisodePutOnHold.note') },
  EpisodeResumed: { ...base, type: 'EpisodeResumed' },
  AssessmentRecorded: {
    ...base,
    type: 'AssessmentRecorded',
    assessment: {
      assessedOn: '2025-03-05',
      specialTests: [{ name: freeText('specialTest.name'), side: 'left', result: 'negative' }],
      posturalFindings: [freeText('posturalFindings')],
      rangeOfMotion: [{ joint: freeText('rom.joint'), motion: freeText('rom.motion'), degrees: 40 }],
      painRegions: ['lower-back'],
      measures: [{ measure: 'NPRS', value: 7 }],
      evaluationCode: '97162',
    },
  },
  PlanOfCareEstablished: { ...base, type: 'PlanOfCareEstablished', plan, version: 1, periodStart: '2025-03-05', periodEnd: '2025-04-29' },
  PlanOfCareRevised: {
    ...base,
    type: 'PlanOfCareRevised',
    plan,
    version: 2,
    reason: freeText('PlanOfCareRevised.reason'),
    materialChanges: ['goals'],
    recertificationRequired: true,
    periodEnd: '2025-04-29',
  },
  PlanOfCareCertified: { ...base, type: 'PlanOfCareCertified', certifier: physician, signedOn: '2025-03-06', timely: true },
  VerbalOrderReceived: {
    ...base,
    type: 'VerbalOrderReceived',
    certifier: physician,
    orderedOn: '2025-03-06',
    timely: true,
    signatureDueOn: '2025-03-20',
  },
  VerbalOrderSigned: { ...base, type: 'VerbalOrderSigned', signedOn: '2025-03-12', timely: true },
  PlanOfCareRecertified: {
    ...base,
    type: 'PlanOfCareRecertified',
    certifier: physician,
    signedOn: '2025-04-25',
    periodStart: '2025-04-30',
    periodEnd: '2025-06-24',
  },
  OrderRenewed: { ...base, type: 'OrderRenewed', orderedBy: physician, orderedOn: '2025-03-20', validThrough: '2025-06-18' },
  AuthorizationRecorded: {
    ...base,
    type: 'AuthorizationRecorded',
    addedVisits: 6,
    endDate: '2025-07-31',
    authorization: { visits: 18, endDate: '2025-07-31' },
  },
  SessionRecorded: {
    ...base,
    type: 'SessionRecorded',
    sessionId: 's-1',
    session: {
      date: '2025-03-07',
      therapist: { therapistId: 't-1', licenseExpiresOn: '2027-06-30' },
      lines,
      techniques: ['myofascial-release'],
      pressure: [{ bodyRegion: 'lower-back', pressure: 'moderate', technique: 'myofascial-release' }],
      patientFeedback: freeText('patientFeedback'),
      painBefore: 6,
      painAfter: 4,
      adverseEvents: [freeText('adverseEvents')],
      selfPay: false,
    },
    visitNumber: 1,
    newTreatmentDay: true,
    treatmentDaysInPeriod: 2,
    certificationStanding: 'certified',
  },
  ProgressReportDueSoon: { ...base, type: 'ProgressReportDueSoon', treatmentDaysInPeriod: 8 },
  ProgressReportDue: { ...base, type: 'ProgressReportDue', basis: 'treatment-days' },
  SessionPaused: { ...base, type: 'SessionPaused', sessionId: 's-1', reason: freeText('SessionPaused.reason') },
  SessionResumed: {
    ...base,
    type: 'SessionResumed',
    sessionId: 's-1',
    continuation: { lines, techniques: ['swedish'], pressure: [{ bodyRegion: 'lower-back', pressure: 'light' }] },
  },
  SessionCancelled: {
    ...base,
    type: 'SessionCancelled',
    sessionId: 's-2',
    date: '2025-03-12',
    cancelledBy: 'patient',
    reason: freeText('SessionCancelled.reason'),
  },
  NoShowRecorded: { ...base, type: 'NoShowRecorded', sessionId: 's-3', date: '2025-03-14', consecutiveNoShows: 1 },
  NoShowDischargePromptRaised: { ...base, type: 'NoShowDischargePromptRaised', consecutiveNoShows: 3 },
  NoteSigned: { ...base, type: 'NoteSigned', sessionId: 's-1' },
  AddendumAdded: {
    ...base,
    type: 'AddendumAdded',
    sessionId: 's-1',
    addendumId: 'a-1',
    text: freeText('AddendumAdded.text'),
    correctedLines: [{ code: '97140', minutes: 38, bodyRegions: ['lower-back'] }],
  },
  CorrectedClaimRequired: { ...base, type: 'CorrectedClaimRequired', sessionId: 's-1', addendumId: 'a-1', changedFields: ['lines'] },
  ProgressReportRecorded: {
    ...base,
    type: 'ProgressReportRecorded',
    reportId: 'r-1',
    reportedOn: '2025-03-28',
    measures: [{ measure: 'NPRS', value: 5 }],
    goals: [{ goalId: 'goal-pain', measure: 'NPRS', value: 5, status: 'improving' }],
    narrative: freeText('ProgressReportRecorded.narrative'),
    planChange: freeText('ProgressReportRecorded.planChange'),
    treatmentDaysInPeriod: 10,
  },
  PlateauDetected: { ...base, type: 'PlateauDetected', measure: 'NPRS', values: [5, 5, 5] },
  PlateauDecisionRecorded: {
    ...base,
    type: 'PlateauDecisionRecorded',
    decision: 'continue-as-maintenance',
    justification: freeText('PlateauDecisionRecorded.justification'),
  },
  ReevaluationRecorded: {
    ...base,
    type: 'ReevaluationRecorded',
    reevaluationId: 're-1',
    reevaluatedOn: '2025-04-01',
    reason: 'significant-change',
    findings: freeText('ReevaluationRecorded.findings'),
    measures: [{ measure: 'ODI', value: 30 }],
    billAsReevaluation: true,
  },
  EpisodeDischarged: {
    ...base,
    type: 'EpisodeDischarged',
    dischargedOn: '2025-04-28',
    reason: 'other',
    reasonText: freeText('EpisodeDischarged.reasonText'),
    summary: {
      measures: [{ measure: 'NPRS', baseline: 7, atDischarge: 2, improvement: 5, clinicallyImportant: true }],
      goals: [{ goalId: 'goal-pain', measure: 'NPRS', target: 2, status: 'achieved' }],
      sessionsDelivered: 12,
      noShows: 1,
      cancellations: 1,
      narrative: freeText('EpisodeDischarged.narrative'),
    },
  },
  EpisodeCancelled: { ...base, type: 'EpisodeCancelled', reason: freeText('EpisodeCancelled.reason') },
  ReferringProviderNoticeIssued: {
    ...base,
    type: 'ReferringProviderNoticeIssued',
    notice: 'progress-report',
    referralId: 'referral-canary',
    referringProviderNpi: '1234567893',
    reportId: 'r-1',
  },
  TherapyThresholdCrossed: {
    ...base,
    type: 'TherapyThresholdCrossed',
    payerId: 'payer-1',
    year: 2025,
    threshold: 'kx',
    sessionId: 's-9',
    thresholdCents: 241_000,
    yearToDateBeforeCents: 240_000,
    yearToDateAfterCents: 243_000,
  },
  CertificationDelinquent: { ...base, type: 'CertificationDelinquent', dueOn: '2025-04-06' },
  SessionsCertificationDelinquent: {
    ...base,
    type: 'SessionsCertificationDelinquent',
    sessionIds: ['s-1', 's-2'],
    cause: 'certification-deadline-passed',
  },
  VerbalOrderDelinquent: { ...base, type: 'VerbalOrderDelinquent', dueOn: '2025-03-20' },
  CertifiedPeriodEnded: { ...base, type: 'CertifiedPeriodEnded', periodEnd: '2025-04-29' },
  AuthorizationEnded: { ...base, type: 'AuthorizationEnded', endDate: '2025-06-30' },
  NoteSignatureOverdue: { ...base, type: 'NoteSignatureOverdue', sessionId: 's-1', overdueSince: '2025-03-09T17:00:00.000Z' },
  ClearanceSignalRefused: {
    ...base,
    type: 'ClearanceSignalRefused',
    claimedRole: 'unknown',
    reason: 'refused-by-rules',
    refusalCode: 'ROLE_NOT_PERMITTED',
  },
};
