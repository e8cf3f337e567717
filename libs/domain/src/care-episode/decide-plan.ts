/** Assessment, plan of care and physician certification (docs/clinical-rules.md §5–6). */
import { daysBetween, type IsoDate, type IsoInstant } from '../calendar';
import { DomainError, type Refusal } from '../errors';
import {
  certificationDueOn,
  certifiedPeriodEnd,
  isOnOrBefore,
  recertifiedPeriodStart,
  signingPractitionerRefusal,
  verbalOrderSignatureDueOn,
  withCanonicalCredential,
} from '../rules/certification';
import { isTargetBetterThanBaseline, measureDefinitions, measurementRefusal, measurementsRefusal } from '../rules/outcome-measures';
import { orderExpiredRefusal } from '../rules/referral';
import type { DepartmentSettings } from '../settings';
import { firstRefusal, type Handler } from './decision';
import { fractureAtPlannedSiteEvents } from './decide-screening';
import type { PlanOfCareRevised, SessionsCertificationDelinquent } from './events';
import { careStarted, needsPlan, notAfterToday, notBefore, stamp } from './guards';
import type { Actor, Goal, PlanOfCare, Practitioner } from './records';
import { isAssessed, sessionsAwaitingCertification, type AssessedEpisode, type CareEpisodeState, type PlannedEpisode } from './state';

export const recordAssessment: Handler<'RecordAssessment'> = (command, state, settings) => {
  const { assessment } = command;
  const episode = careStarted(state);
  if (episode instanceof DomainError) return episode;
  const refusal = firstRefusal(
    () => (state.intake ? undefined : new DomainError('INTAKE_REQUIRED', 'Record the intake and screening before the initial assessment.')),
    () =>
      state.assessment ? new DomainError('OUT_OF_ORDER', 'The initial assessment is recorded; record a re-evaluation instead.') : undefined,
    () => notAfterToday(assessment.assessedOn, command.at, settings, 'An assessment'),
    () => orderExpiredRefusal(episode.order.validThrough, assessment.assessedOn, settings),
    () => measurementsRefusal(assessment.measures),
  );
  return refusal ?? [{ type: 'AssessmentRecorded', ...stamp(command), assessment }];
};

/** Goals must be measurable against a score already taken, with a target better than the baseline. */
const planRefusal = (plan: PlanOfCare, state: AssessedEpisode): Refusal => {
  for (const goal of plan.goals) {
    if (state.latestMeasures[goal.measure] === undefined) {
      return new DomainError(
        'INVALID_PLAN_OF_CARE',
        `Goal ${goal.goalId} uses the ${measureDefinitions[goal.measure].name}, which has not been measured in this episode.`,
        { goalId: goal.goalId },
      );
    }
    const outOfRange =
      measurementRefusal({ measure: goal.measure, value: goal.baseline }) ??
      measurementRefusal({ measure: goal.measure, value: goal.target });
    if (outOfRange) return outOfRange;
    if (!isTargetBetterThanBaseline(goal.measure, goal.baseline, goal.target)) {
      return new DomainError('INVALID_PLAN_OF_CARE', `Goal ${goal.goalId} needs a target better than its baseline.`, {
        goalId: goal.goalId,
      });
    }
    if (daysBetween(state.assessment.assessedOn, goal.targetDate) < 0) {
      return new DomainError('INVALID_PLAN_OF_CARE', `Goal ${goal.goalId} has a target date before the evaluation.`, {
        goalId: goal.goalId,
      });
    }
  }
  if (!plan.goals.some((goal) => goal.measure === plan.primaryMeasure)) {
    return new DomainError('INVALID_PLAN_OF_CARE', "The primary measure must be one of the goals' measures.");
  }
  return undefined;
};

export const establishPlanOfCare: Handler<'EstablishPlanOfCare'> = (command, state) => {
  const episode = careStarted(state);
  if (episode instanceof DomainError) return episode;
  if (!isAssessed(episode)) return new DomainError('ASSESSMENT_REQUIRED', 'Record the initial assessment before the plan of care.');
  const refusal = firstRefusal(
    () => (episode.plan ? new DomainError('OUT_OF_ORDER', 'The plan of care is established; revise it instead.') : undefined),
    () => planRefusal(command.plan, episode),
  );
  if (refusal) return refusal;
  const periodStart = episode.assessment.assessedOn;
  return [
    {
      type: 'PlanOfCareEstablished',
      ...stamp(command),
      plan: command.plan,
      version: 1,
      periodStart,
      periodEnd: certifiedPeriodEnd(periodStart, command.plan.durationWeeks),
    },
    ...fractureAtPlannedSiteEvents(command, episode, command.plan),
  ];
};

/** A goal the physician did not certify: new, or an existing goal now measured differently or aiming elsewhere. */
const isUncertifiedGoal = (current: PlanOfCare, goal: Goal): boolean => {
  const certified = current.goals.find((old) => old.goalId === goal.goalId);
  return certified === undefined || certified.measure !== goal.measure || certified.target !== goal.target;
};

const materialChanges = (current: PlanOfCare, revised: PlanOfCare): PlanOfCareRevised['materialChanges'] => [
  ...(revised.frequencyPerWeek > current.frequencyPerWeek ? (['frequency'] as const) : []),
  ...(revised.durationWeeks > current.durationWeeks ? (['duration'] as const) : []),
  ...(revised.goals.some((goal) => isUncertifiedGoal(current, goal)) ? (['goals'] as const) : []),
];

const isCertified = (state: CareEpisodeState): boolean => state.certification.kind !== 'none';

export const revisePlanOfCare: Handler<'RevisePlanOfCare'> = (command, state) => {
  const episode = needsPlan(state);
  if (episode instanceof DomainError) return episode;
  const refusal = planRefusal(command.plan, episode);
  if (refusal) return refusal;
  const current = episode.plan;
  const changes = materialChanges(current, command.plan);
  const { periodStart, periodEnd } = episode.certification;
  return [
    {
      type: 'PlanOfCareRevised',
      ...stamp(command),
      plan: command.plan,
      version: current.version + 1,
      reason: command.reason,
      materialChanges: changes,
      recertificationRequired: isCertified(state) && changes.length > 0,
      // Before certification the period follows the plan; after it, only a recertification moves it.
      periodEnd: isCertified(state) ? periodEnd : certifiedPeriodEnd(periodStart, command.plan.durationWeeks),
    },
    ...fractureAtPlannedSiteEvents(command, episode, command.plan),
  ];
};

/** A planned episode the certifier may sign on `date`, or the refusal. */
const certifiable = (
  state: CareEpisodeState,
  command: { at: string; certifier: Practitioner },
  date: IsoDate,
  settings: DepartmentSettings,
): PlannedEpisode | DomainError => {
  const episode = needsPlan(state);
  if (episode instanceof DomainError) return episode;
  return (
    firstRefusal(
      () => signingPractitionerRefusal(command.certifier),
      () => notAfterToday(date, command.at, settings, 'A certification'),
      () => notBefore(date, episode.assessment.assessedOn, 'A certification', 'the evaluation'),
    ) ?? episode
  );
};

/** The sessions that awaited the first certification become delinquent with it; none, no event. */
export const awaitingSessionsDelinquent = (
  state: CareEpisodeState,
  command: { readonly at: IsoInstant; readonly actor: Actor },
  cause: SessionsCertificationDelinquent['cause'],
): SessionsCertificationDelinquent[] => {
  const sessionIds = sessionsAwaitingCertification(state).map((session) => session.sessionId);
  return sessionIds.length === 0 ? [] : [{ type: 'SessionsCertificationDelinquent', ...stamp(command), sessionIds, cause }];
};

export const certifyPlanOfCare: Handler<'CertifyPlanOfCare'> = (command, state, settings) => {
  const episode = certifiable(state, command, command.certifiedOn, settings);
  if (episode instanceof DomainError) return episode;
  if (isCertified(episode)) {
    return new DomainError('INVALID_STATUS_TRANSITION', 'The plan of care is already certified; recertify it instead.');
  }
  const timely = isOnOrBefore(command.certifiedOn, certificationDueOn(episode.assessment.assessedOn));
  const certifier = withCanonicalCredential(command.certifier);
  const late = timely ? [] : awaitingSessionsDelinquent(state, command, 'late-certification');
  return command.kind === 'written'
    ? [{ type: 'PlanOfCareCertified', ...stamp(command), certifier, signedOn: command.certifiedOn, timely }, ...late]
    : [
        {
          type: 'VerbalOrderReceived',
          ...stamp(command),
          certifier,
          orderedOn: command.certifiedOn,
          timely,
          signatureDueOn: verbalOrderSignatureDueOn(command.certifiedOn),
        },
        ...late,
      ];
};

export const signVerbalOrder: Handler<'SignVerbalOrder'> = (command, state, settings) => {
  const refusal = careStarted(state);
  if (refusal instanceof DomainError) return refusal;
  const { certification } = state;
  if (certification.kind !== 'verbal' || certification.verbalSignedOn !== undefined) {
    return new DomainError('VERBAL_ORDER_NOT_PENDING', 'No verbal order is waiting for a signature.');
  }
  const dateRefusal = firstRefusal(
    () => notAfterToday(command.signedOn, command.at, settings, 'A signature'),
    () => notBefore(command.signedOn, certification.certifiedOn, 'A signature', 'the verbal order'),
  );
  if (dateRefusal) return dateRefusal;
  const timely = isOnOrBefore(command.signedOn, verbalOrderSignatureDueOn(certification.certifiedOn));
  return [{ type: 'VerbalOrderSigned', ...stamp(command), signedOn: command.signedOn, timely }];
};

export const recertifyPlanOfCare: Handler<'RecertifyPlanOfCare'> = (command, state, settings) => {
  const episode = certifiable(state, command, command.signedOn, settings);
  if (episode instanceof DomainError) return episode;
  if (!isCertified(episode)) return new DomainError('CERTIFICATION_REQUIRED', 'The plan of care has no initial certification to renew.');
  const { certification, plan } = episode;
  const periodStart = recertifiedPeriodStart(certification.periodEnd, command.signedOn, certification.recertificationRequired);
  return [
    {
      type: 'PlanOfCareRecertified',
      ...stamp(command),
      certifier: withCanonicalCredential(command.certifier),
      signedOn: command.signedOn,
      periodStart,
      periodEnd: certifiedPeriodEnd(periodStart, plan.durationWeeks),
    },
  ];
};
