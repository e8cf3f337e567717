/**
 * A short but complete episode as the commands a department would send, dated around today so it runs
 * on a real (not time-skipping) server: evaluation ten days ago, three sessions since, then discharge.
 */
import { addDays, type CareEpisodeCommand, defaultDepartmentSettings, localDateOf, type PlanOfCare } from '@careflow/domain';
import { lead, therapistActor, validNpi } from './episode-harness';

export const shortEpisodePlan = (start: string): PlanOfCare => ({
  goals: [{ goalId: 'goal-pain', description: 'pain at most 2', measure: 'NPRS', baseline: 7, target: 2, targetDate: addDays(start, 60) }],
  primaryMeasure: 'NPRS',
  techniques: ['myofascial-release'],
  frequencyPerWeek: 2,
  durationWeeks: 6,
  precautions: [],
});

/** Commands after the offer to `therapistId`, in order; `now` is the real clock. */
export const shortEpisodeCommands = (therapistId: string, now: Date): CareEpisodeCommand[] => {
  const at = now.toISOString();
  const today = localDateOf(at, defaultDepartmentSettings.timeZone);
  const start = addDays(today, -10);
  const actor = therapistActor(therapistId);
  const session = (n: number): CareEpisodeCommand[] => [
    {
      type: 'RecordSession',
      at,
      actor,
      sessionId: `s-${n}`,
      session: {
        date: addDays(start, n * 3),
        therapist: { therapistId, licenseExpiresOn: '2099-12-31' },
        lines: [{ code: '97140', minutes: 30, bodyRegions: ['lower-back'] }],
        techniques: ['myofascial-release'],
        pressure: [{ bodyRegion: 'lower-back', pressure: 'moderate' }],
        adverseEvents: [],
        selfPay: false,
      },
    },
    { type: 'SignNote', at, actor, sessionId: `s-${n}` },
  ];
  return [
    { type: 'AcceptOffer', at, actor, therapistId },
    {
      type: 'RecordIntake',
      at,
      actor,
      intake: { medicalHistory: [], medications: [], allergies: [], recentSurgeries: [], patientGoals: ['sleep through'], findings: [] },
    },
    {
      type: 'RecordAssessment',
      at,
      actor,
      assessment: {
        assessedOn: start,
        specialTests: [],
        posturalFindings: [],
        rangeOfMotion: [],
        painRegions: ['lower-back'],
        measures: [{ measure: 'NPRS', value: 7 }],
        evaluationCode: '97161',
      },
    },
    { type: 'EstablishPlanOfCare', at, actor, plan: shortEpisodePlan(start) },
    { type: 'CertifyPlanOfCare', at, actor: lead, kind: 'written', certifier: { name: 'Dr. Certifier', npi: validNpi, credential: 'MD' }, certifiedOn: start },
    ...session(1),
    ...session(2),
    ...session(3),
    {
      type: 'DischargeEpisode',
      at,
      actor,
      dischargedOn: today,
      reason: 'goals-met',
      measures: [{ measure: 'NPRS', value: 2 }],
      narrative: 'goal met',
    },
  ];
};
