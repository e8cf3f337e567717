/**
 * One well-formed command of every type (test code only), for properties about all commands: the
 * mapped type makes a new command type a compile error here until it has an example. Well-formed
 * means the schema accepts it; whether a rule accepts it depends on the episode's state.
 */
import type { CareEpisodeCommandType, CommandOf } from '../care-episode/commands';
import * as f from './fixtures';

const on = f.at('2025-03-10');
const session = 's-1';

export const exampleOfEachCommand: { readonly [T in CareEpisodeCommandType]: CommandOf<T> } = {
  ReceiveReferral: f.receiveReferral(),
  RouteReferral: f.routeReferral(),
  OfferToTherapist: { type: 'OfferToTherapist', at: on, actor: f.lead, therapistId: 't-7' },
  AcceptOffer: f.acceptOffer(),
  DeclineOffer: f.declineOffer('t-1', { reason: 'caseload' }),
  EscalateReferral: { type: 'EscalateReferral', at: on, actor: f.lead, reason: 'needs a lymphedema specialist' },
  DeclineReferral: { type: 'DeclineReferral', at: on, actor: f.lead, reason: 'service not offered' },
  RecordIntake: f.recordIntake({ findings: [{ findingId: 'f-1', condition: 'anticoagulant-therapy' }] }),
  FlagContraindication: { type: 'FlagContraindication', at: on, actor: f.therapist, finding: { findingId: 'f-2', condition: 'recent-surgery', occurredOn: '2025-02-01', bodyRegions: ['hip-left'] } },
  RequestClearance: { type: 'RequestClearance', at: on, actor: f.therapist, findingId: 'f-1' },
  GrantClearance: { type: 'GrantClearance', at: on, actor: f.lead, findingId: 'f-1', clearedBy: f.physician, clearedOn: '2025-03-10' },
  PlaceOnHold: { type: 'PlaceOnHold', at: on, actor: f.lead, reason: 'patient in hospital' },
  ResumeEpisode: { type: 'ResumeEpisode', at: on, actor: f.lead },
  RecordAssessment: f.recordAssessment(),
  EstablishPlanOfCare: f.establishPlan(),
  RevisePlanOfCare: { type: 'RevisePlanOfCare', at: on, actor: f.therapist, plan: f.plan({ frequencyPerWeek: 1 }), reason: 'patient response' },
  CertifyPlanOfCare: f.certify({ kind: 'verbal' }),
  SignVerbalOrder: { type: 'SignVerbalOrder', at: on, actor: f.lead, signedOn: '2025-03-10' },
  RenewOrder: { type: 'RenewOrder', at: on, actor: f.lead, orderedBy: f.physician, orderedOn: '2025-03-10' },
  RecordAuthorization: { type: 'RecordAuthorization', at: on, actor: f.scheduler, addedVisits: 6, endDate: '2025-06-30' },
  RecertifyPlanOfCare: { type: 'RecertifyPlanOfCare', at: on, actor: f.lead, certifier: f.physician, signedOn: '2025-03-10' },
  RecordSession: f.recordSession(session, '2025-03-07', { patientFeedback: 'felt looser' }),
  PauseSession: { type: 'PauseSession', at: on, actor: f.therapist, sessionId: session, reason: 'patient called to radiology' },
  ResumeSession: {
    type: 'ResumeSession',
    at: on,
    actor: f.therapist,
    sessionId: session,
    continuation: { lines: [{ code: '97124', minutes: 10, bodyRegions: ['neck'] }], techniques: ['swedish'], pressure: [{ bodyRegion: 'neck', pressure: 'light' }] },
  },
  CancelSession: { type: 'CancelSession', at: on, actor: f.scheduler, sessionId: 's-2', date: '2025-03-11', cancelledBy: 'patient', reason: 'sick' },
  RecordNoShow: { type: 'RecordNoShow', at: on, actor: f.therapist, sessionId: 's-3', date: '2025-03-10' },
  SignNote: f.signNote(session, on),
  AddAddendum: {
    type: 'AddAddendum',
    at: on,
    actor: f.therapist,
    sessionId: session,
    addendumId: 'a-1',
    text: 'minutes corrected',
    correctedLines: [{ code: '97140', minutes: 25, bodyRegions: ['lower-back'] }],
  },
  RecordProgressReport: { ...f.progressReport('r-1', '2025-03-10'), planChange: 'add stretching' },
  RecordReevaluation: {
    type: 'RecordReevaluation',
    at: on,
    actor: f.therapist,
    reevaluationId: 're-1',
    reevaluatedOn: '2025-03-10',
    reason: 'significant-change',
    findings: 'new radiating pain',
    measures: [{ measure: 'NPRS', value: 6 }],
    billAsReevaluation: true,
  },
  DecideAfterPlateau: { type: 'DecideAfterPlateau', at: on, actor: f.therapist, decision: 'continue-as-maintenance', justification: 'keeps function' },
  DischargeEpisode: {
    type: 'DischargeEpisode',
    at: on,
    actor: f.therapist,
    dischargedOn: '2025-03-10',
    reason: 'other',
    reasonText: 'moved abroad',
    measures: [{ measure: 'NPRS', value: 3 }],
    narrative: 'goals partly met',
  },
  CancelEpisode: { type: 'CancelEpisode', at: on, actor: f.lead, reason: 'patient moved away' },
  RecordTherapyThresholdCrossing: {
    type: 'RecordTherapyThresholdCrossing',
    at: on,
    actor: { userId: 'careflow-billing', role: 'billing' },
    payerId: 'payer-1',
    year: 2025,
    threshold: 'kx',
    sessionId: session,
    thresholdCents: 241_000,
    yearToDateBeforeCents: 240_000,
    yearToDateAfterCents: 242_837,
  },
  MarkDeadlinePassed: f.markDeadline('unsigned-note', on, session),
  RecordRefusedClearanceSignal: {
    type: 'RecordRefusedClearanceSignal',
    at: on,
    actor: f.system,
    claimedRole: 'department-lead',
    reason: 'not-from-ehr-feed',
  },
};
