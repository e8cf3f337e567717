/**
 * A short but complete episode as the commands a department would send, dated around today so it runs
 * on a real (not time-skipping) server: evaluation ten days ago, three sessions since, then discharge.
 * Built from the domain's fixtures; only the dates, the therapist and the instant `at` are this script's.
 */
import { addDays, type CareEpisodeCommand, defaultDepartmentSettings, localDateOf, type PlanOfCare } from '@careflow/domain';
import * as f from '@careflow/domain/testing';
import { lead, therapistActor } from './episode-harness';

export const shortEpisodePlan = (start: string): PlanOfCare =>
  f.plan({
    goals: [
      { goalId: 'goal-pain', description: 'pain at most 2', measure: 'NPRS', baseline: 7, target: 2, targetDate: addDays(start, 60) },
    ],
    techniques: ['myofascial-release'],
    durationWeeks: 6,
  });

/** Commands after the offer to `therapistId`, in order; `now` is the real clock. */
export const shortEpisodeCommands = (therapistId: string, now: Date): CareEpisodeCommand[] => {
  const at = now.toISOString();
  const today = localDateOf(at, defaultDepartmentSettings.timeZone);
  const start = addDays(today, -10);
  const actor = therapistActor(therapistId);
  const session = (n: number): CareEpisodeCommand[] => [
    {
      ...f.recordSession(`s-${n}`, addDays(start, n * 3), { therapist: { therapistId, licenseExpiresOn: '2099-12-31' } }, at),
      actor,
    },
    { ...f.signNote(`s-${n}`, at), actor },
  ];
  return [
    f.acceptOffer({ at, actor, therapistId }),
    { ...f.recordIntake({}, at), actor },
    {
      ...f.recordAssessment({ assessedOn: start, measures: [{ measure: 'NPRS', value: 7 }], evaluationCode: '97161' }, at),
      actor,
    },
    { type: 'EstablishPlanOfCare', at, actor, plan: shortEpisodePlan(start) },
    f.certify({ at, actor: lead, certifiedOn: start }),
    ...session(1),
    ...session(2),
    ...session(3),
    f.discharge(today, { at, actor, measures: [{ measure: 'NPRS', value: 2 }], narrative: 'goal met' }),
  ];
};
