/**
 * Commands of one made-up episode (test code only). Every builder takes overrides, so a spec changes
 * just the field it is about. Dates: referral 2025-03-01, evaluation 2025-03-05, 8-week plan.
 */
import { addDays } from '../calendar';
import type { CareEpisodeCommand, CommandOf } from '../care-episode/commands';
import type { Referral, SessionDocumentation } from '../care-episode/records';
import type { TherapistProfile } from '../routing';

export const therapist = { userId: 'user-therapist-1', role: 'therapist' };
export const lead = { userId: 'user-lead-1', role: 'department-lead' };
export const scheduler = { userId: 'user-scheduler-1', role: 'scheduler' };
/** The episode's own workflow: timers and routing. */
export const system = { userId: 'careflow-system', role: 'system' };

/** The CMS example NPI; its Luhn check digit is valid. */
export const validNpi = '1234567893';

export const at = (date: string, time = '10:00'): string => `${date}T${time}:00.000Z`;

type Overrides<T extends CareEpisodeCommand['type']> = Partial<Omit<CommandOf<T>, 'type'>>;

export const referral = (overrides: Partial<Referral> = {}): Referral => ({
  referralId: 'referral-1',
  patient: { mrn: 'mrn-1', name: 'Test Patient', birthDate: '1970-01-01', sex: 'female', stateOfResidence: 'MD' },
  referringProvider: { name: 'Dr. Referrer', npi: validNpi, credential: 'MD' },
  diagnosisCodes: ['M54.50'],
  orderedService: 'clinical massage therapy',
  referralDate: '2025-03-01',
  payer: { payerId: 'payer-1' },
  ...overrides,
});

export const receiveReferral = (overrides: Overrides<'ReceiveReferral'> = {}): CommandOf<'ReceiveReferral'> => ({
  type: 'ReceiveReferral',
  at: at('2025-03-03', '09:00'),
  actor: lead,
  episodeId: 'episode-1',
  referral: referral(),
  ...overrides,
});

export const therapistProfile = (therapistId: string, overrides: Partial<TherapistProfile> = {}): TherapistProfile => ({
  therapistId,
  departmentId: 'department-1',
  licenses: [{ state: 'MD', number: `L-${therapistId}`, expiresOn: '2027-06-30' }],
  boardCertifications: ['NCBTMB'],
  specialtyCertificates: [],
  activeEpisodeCount: 5,
  availability: 0.5,
  ...overrides,
});

export const routeReferral = (overrides: Overrides<'RouteReferral'> = {}): CommandOf<'RouteReferral'> => ({
  type: 'RouteReferral',
  at: at('2025-03-03', '10:00'),
  actor: system,
  therapists: [therapistProfile('t-1', { availability: 0.9 }), therapistProfile('t-2'), therapistProfile('t-3', { availability: 0.1 })],
  previousTherapistIds: [],
  ...overrides,
});

export const acceptOffer = (overrides: Overrides<'AcceptOffer'> = {}): CommandOf<'AcceptOffer'> => ({
  type: 'AcceptOffer',
  at: at('2025-03-03', '12:00'),
  actor: therapist,
  therapistId: 't-1',
  ...overrides,
});

export const declineOffer = (therapistId: string, overrides: Overrides<'DeclineOffer'> = {}): CommandOf<'DeclineOffer'> => ({
  type: 'DeclineOffer',
  at: at('2025-03-03', '11:00'),
  actor: therapist,
  therapistId,
  ...overrides,
});

export const recordIntake = (
  overrides: Partial<CommandOf<'RecordIntake'>['intake']> = {},
  when = at('2025-03-04'),
): CommandOf<'RecordIntake'> => ({
  type: 'RecordIntake',
  at: when,
  actor: therapist,
  intake: {
    medicalHistory: ['low back pain for 6 months'],
    medications: [],
    allergies: [],
    recentSurgeries: [],
    patientGoals: ['garden without pain'],
    findings: [],
    ...overrides,
  },
});

export const recordAssessment = (
  overrides: Partial<CommandOf<'RecordAssessment'>['assessment']> = {},
  when = at('2025-03-05', '15:00'),
): CommandOf<'RecordAssessment'> => ({
  type: 'RecordAssessment',
  at: when,
  actor: therapist,
  assessment: {
    assessedOn: '2025-03-05',
    specialTests: [{ name: 'straight leg raise', side: 'left', result: 'negative' }],
    posturalFindings: ['anterior pelvic tilt'],
    rangeOfMotion: [{ joint: 'lumbar spine', motion: 'flexion', degrees: 40 }],
    painRegions: ['lower-back'],
    measures: [
      { measure: 'NPRS', value: 7 },
      { measure: 'ODI', value: 40 },
    ],
    evaluationCode: '97162',
    ...overrides,
  },
});

export const plan = (overrides: Partial<CommandOf<'EstablishPlanOfCare'>['plan']> = {}): CommandOf<'EstablishPlanOfCare'>['plan'] => ({
  goals: [
    { goalId: 'goal-pain', description: 'pain at most 2', measure: 'NPRS', baseline: 7, target: 2, targetDate: '2025-04-28' },
    { goalId: 'goal-function', description: 'ODI at most 20', measure: 'ODI', baseline: 40, target: 20, targetDate: '2025-04-28' },
  ],
  primaryMeasure: 'NPRS',
  techniques: ['myofascial-release', 'swedish', 'trigger-point-therapy', 'deep-tissue', 'cross-fiber-friction'],
  frequencyPerWeek: 2,
  durationWeeks: 8,
  precautions: [],
  ...overrides,
});

export const establishPlan = (overrides: Partial<CommandOf<'EstablishPlanOfCare'>['plan']> = {}): CommandOf<'EstablishPlanOfCare'> => ({
  type: 'EstablishPlanOfCare',
  at: at('2025-03-05', '16:00'),
  actor: therapist,
  plan: plan(overrides),
});

export const physician = { name: 'Dr. Referrer', npi: validNpi, credential: 'MD' };

export const certify = (overrides: Overrides<'CertifyPlanOfCare'> = {}): CommandOf<'CertifyPlanOfCare'> => ({
  type: 'CertifyPlanOfCare',
  at: at('2025-03-06'),
  actor: lead,
  kind: 'written',
  certifier: physician,
  certifiedOn: '2025-03-06',
  ...overrides,
});

export const sessionDocumentation = (date: string, overrides: Partial<SessionDocumentation> = {}): SessionDocumentation => ({
  date,
  therapist: { therapistId: 't-1', licenseExpiresOn: '2027-06-30' },
  lines: [{ code: '97140', minutes: 30, bodyRegions: ['lower-back'] }],
  techniques: ['myofascial-release'],
  pressure: [{ bodyRegion: 'lower-back', pressure: 'moderate' }],
  painBefore: 6,
  painAfter: 4,
  adverseEvents: [],
  selfPay: false,
  ...overrides,
});

export const recordSession = (
  sessionId: string,
  date: string,
  overrides: Partial<SessionDocumentation> = {},
  when = at(date, '17:00'),
): CommandOf<'RecordSession'> => ({
  type: 'RecordSession',
  at: when,
  actor: therapist,
  sessionId,
  session: sessionDocumentation(date, overrides),
});

export const signNote = (sessionId: string, when: string): CommandOf<'SignNote'> => ({
  type: 'SignNote',
  at: when,
  actor: therapist,
  sessionId,
});

export const progressReport = (
  reportId: string,
  reportedOn: string,
  measures: CommandOf<'RecordProgressReport'>['measures'] = [
    { measure: 'NPRS', value: 5 },
    { measure: 'ODI', value: 32 },
  ],
): CommandOf<'RecordProgressReport'> => ({
  type: 'RecordProgressReport',
  at: at(reportedOn, '18:00'),
  actor: therapist,
  reportId,
  reportedOn,
  measures,
  narrative: 'progressing',
});

export const markDeadline = (
  deadline: CommandOf<'MarkDeadlinePassed'>['deadline'],
  when: string,
  sessionId?: string,
): CommandOf<'MarkDeadlinePassed'> => ({
  type: 'MarkDeadlinePassed',
  at: when,
  actor: system,
  deadline,
  ...(sessionId === undefined ? {} : { sessionId }),
});

/** Referral received, routed, accepted by t-1. */
export const accepted = (): CareEpisodeCommand[] => [receiveReferral(), routeReferral(), acceptOffer()];
/** … and intake, assessment on 2025-03-05 and the plan of care (not yet certified). */
export const planned = (): CareEpisodeCommand[] => [...accepted(), recordIntake(), recordAssessment(), establishPlan()];
/** … and certified in writing on 2025-03-06. */
export const certified = (): CareEpisodeCommand[] => [...planned(), certify()];

/** Sessions on consecutive days from 2025-03-07, each a new treatment day (days 2, 3, … of the period). */
export const dailySessions = (count: number, from = '2025-03-07'): CareEpisodeCommand[] =>
  Array.from({ length: count }, (_, index) => recordSession(`s-${index + 1}`, addDays(from, index)));

/** A bedside interruption of a session documented the same day. */
export const pauseSession = (sessionId: string, when: string, reason = 'called to the ward'): CommandOf<'PauseSession'> => ({
  type: 'PauseSession',
  at: when,
  actor: therapist,
  sessionId,
  reason,
});

/** The paused session goes on; its minutes add to the session's. */
export const resumeSession = (
  sessionId: string,
  when: string,
  lines: CommandOf<'ResumeSession'>['continuation']['lines'] = [{ code: '97140', minutes: 10, bodyRegions: ['lower-back'] }],
): CommandOf<'ResumeSession'> => ({
  type: 'ResumeSession',
  at: when,
  actor: therapist,
  sessionId,
  continuation: { lines, techniques: [], pressure: [] },
});

export const recertify = (signedOn: string, overrides: Overrides<'RecertifyPlanOfCare'> = {}): CommandOf<'RecertifyPlanOfCare'> => ({
  type: 'RecertifyPlanOfCare',
  at: at(signedOn, '18:00'),
  actor: lead,
  certifier: physician,
  signedOn,
  ...overrides,
});

export const placeOnHold = (when: string, reason = 'patient travelling'): CommandOf<'PlaceOnHold'> => ({
  type: 'PlaceOnHold',
  at: when,
  actor: lead,
  reason,
});

export const resumeEpisode = (when: string): CommandOf<'ResumeEpisode'> => ({ type: 'ResumeEpisode', at: when, actor: lead });

/** Discharge with the measures of the default assessment taken again. */
export const discharge = (dischargedOn: string, overrides: Overrides<'DischargeEpisode'> = {}): CommandOf<'DischargeEpisode'> => ({
  type: 'DischargeEpisode',
  at: at(dischargedOn, '18:00'),
  actor: therapist,
  dischargedOn,
  reason: 'goals-met',
  measures: [
    { measure: 'NPRS', value: 2 },
    { measure: 'ODI', value: 18 },
  ],
  ...overrides,
});
