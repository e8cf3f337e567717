/**
 * Test code only: the commands of a whole episode, referral to discharge, through the domain's
 * fixtures, with the patient's identity and every free text given by the caller (canaries).
 */
import type { CareEpisodeCommand, Referral } from '@careflow/domain';
import * as f from '@careflow/domain/testing';

export interface EpisodeTexts {
  readonly referral: Referral;
  /** Returns the text typed into `field`. */
  readonly text: (field: string) => string;
}

export const wholeEpisode = ({ referral, text }: EpisodeTexts): CareEpisodeCommand[] => [
  f.receiveReferral({ episodeId: 'episode-canary', referral }),
  f.routeReferral(),
  f.acceptOffer(),
  f.recordIntake({
    medicalHistory: [text('medicalHistory')],
    medications: [text('medications')],
    allergies: [text('allergies')],
    patientGoals: [text('patientGoals')],
  }),
  f.recordAssessment({
    posturalFindings: [text('posturalFindings')],
    specialTests: [{ name: text('specialTest'), side: 'left', result: 'negative' }],
  }),
  f.establishPlan({
    goals: f.plan().goals.map((goal) => ({ ...goal, description: text(`goal ${goal.goalId}`) })),
    precautions: [text('plan precautions')],
  }),
  f.certify(),
  f.recordSession('s-first', '2025-03-07', { patientFeedback: text('patientFeedback'), adverseEvents: [text('adverseEvents')] }),
  f.pauseSession('s-first', f.at('2025-03-07', '17:30'), text('pause reason')),
  f.resumeSession('s-first', f.at('2025-03-07', '17:45')),
  f.signNote('s-first', f.at('2025-03-07', '20:00')),
  {
    type: 'AddAddendum',
    at: f.at('2025-03-08'),
    actor: f.therapist,
    sessionId: 's-first',
    addendumId: 'a-1',
    text: text('addendum'),
    correctedLines: [{ code: '97140', minutes: 45, bodyRegions: ['lower-back'] }],
  },
  ...f.dailySessions(8, '2025-03-10'),
  ...Array.from({ length: 8 }, (_, index) => f.signNote(`s-${index + 1}`, f.at('2025-03-17', '20:00'))),
  {
    type: 'CancelSession',
    at: f.at('2025-03-18'),
    actor: f.scheduler,
    sessionId: 's-cancelled',
    date: '2025-03-18',
    cancelledBy: 'patient',
    reason: text('cancel reason'),
  },
  { ...f.progressReport('r-1', '2025-03-20'), narrative: text('progress narrative'), planChange: text('plan change') },
  f.placeOnHold(f.at('2025-03-21'), text('hold reason')),
  f.resumeEpisode(f.at('2025-03-24')),
  f.discharge('2025-04-25', { reason: 'other', reasonText: text('discharge reason'), narrative: text('discharge narrative') }),
];
