import type { CareEpisodeCommandType } from '@careflow/domain';

/**
 * The path under /episodes/{id}/ of every command a person issues (libs/auth personCommandTypes),
 * in the clinic's words. ReceiveReferral is POST /referrals; commands only the workflow sends have none.
 */
export const commandPaths: Readonly<Partial<Record<CareEpisodeCommandType, string>>> = {
  OfferToTherapist: 'offer',
  AcceptOffer: 'accept-offer',
  DeclineOffer: 'decline-offer',
  EscalateReferral: 'escalate',
  DeclineReferral: 'decline-referral',
  RecordIntake: 'intake',
  FlagContraindication: 'contraindications',
  RequestClearance: 'clearance-requests',
  GrantClearance: 'clearances',
  PlaceOnHold: 'hold',
  ResumeEpisode: 'resume',
  RecordAssessment: 'assessment',
  EstablishPlanOfCare: 'plan-of-care',
  RevisePlanOfCare: 'plan-of-care-revisions',
  CertifyPlanOfCare: 'certification',
  SignVerbalOrder: 'verbal-order-signature',
  RecertifyPlanOfCare: 'recertification',
  RenewOrder: 'order-renewals',
  RecordAuthorization: 'authorizations',
  RecordSession: 'sessions',
  PauseSession: 'session-pauses',
  ResumeSession: 'session-resumptions',
  CancelSession: 'cancelled-visits',
  RecordNoShow: 'no-shows',
  SignNote: 'note-signatures',
  AddAddendum: 'addenda',
  RecordProgressReport: 'progress-reports',
  RecordReevaluation: 'reevaluations',
  DecideAfterPlateau: 'plateau-decision',
  DischargeEpisode: 'discharge',
  CancelEpisode: 'cancel',
  RecordTherapyThresholdCrossing: 'therapy-threshold-crossings',
};

export const commandRoutes = (): ReadonlyArray<readonly [CareEpisodeCommandType, string]> =>
  (Object.entries(commandPaths) as Array<[CareEpisodeCommandType, string]>).sort(([a], [b]) => a.localeCompare(b));
