/** Progress reports, re-evaluation and the plateau decision (docs/clinical-rules.md §8). */
import { DomainError } from '../errors';
import { goalStatus, measureDefinitions, measurementsRefusal, type Measurement } from '../rules/outcome-measures';
import { isPlateau } from '../rules/plateau';
import { referralNotice } from './decide-referral';
import { firstRefusal, type Handler } from './decision';
import type { CareEpisodeEvent, GoalProgress } from './events';
import { careStarted, duplicate, needsPlan, notAfterToday, notBefore, present, stamp } from './guards';
import type { Goal, PlanOfCare } from './records';

/** A report states progress per goal, so it needs a score for every goal's measure. */
const goalScores = (plan: PlanOfCare, measures: readonly Measurement[]): { goal: Goal; value: number }[] | DomainError => {
  const scores: { goal: Goal; value: number }[] = [];
  for (const goal of plan.goals) {
    const taken = measures.find((m) => m.measure === goal.measure);
    if (taken === undefined) {
      return new DomainError(
        'OUTCOME_MEASURE_REQUIRED',
        `Goal ${goal.goalId} is measured by the ${measureDefinitions[goal.measure].name}; record it in this report.`,
        { goalId: goal.goalId },
      );
    }
    scores.push({ goal, value: taken.value });
  }
  return scores;
};

export const recordProgressReport: Handler<'RecordProgressReport'> = (command, state, settings) => {
  const episode = needsPlan(state);
  if (episode instanceof DomainError) return episode;
  const { plan } = episode;
  const refusal = firstRefusal(
    () => duplicate(state.progress.reportIds.includes(command.reportId), `Progress report ${command.reportId}`),
    () => notAfterToday(command.reportedOn, command.at, settings, 'A progress report'),
    () => notBefore(command.reportedOn, state.progress.periodStart, 'A progress report', 'the start of its period'),
    () =>
      state.progress.treatmentDaysInPeriod === 0
        ? new DomainError('PROGRESS_REPORT_NOT_DUE', 'No treatment day has been documented since the last progress report.')
        : undefined,
    () => measurementsRefusal(command.measures),
  );
  if (refusal) return refusal;
  const scores = goalScores(plan, command.measures);
  if (scores instanceof DomainError) return scores;
  const goals: GoalProgress[] = scores.map(({ goal, value }) => ({
    goalId: goal.goalId,
    measure: goal.measure,
    value,
    status: goalStatus(goal, value, settings),
  }));
  // The primary measure is a goal's measure (the plan requires it) and a report has one score per measure: one value.
  const primaryScore = goals
    .filter((goal) => goal.measure === plan.primaryMeasure)
    .map((goal) => goal.value)
    .slice(0, 1);
  const watch = [...state.plateauWatch, ...primaryScore];
  // A stream recorded before sessions waited for the decision can reach a report while one is pending.
  const plateau =
    !state.plateauPending &&
    isPlateau(
      plan.primaryMeasure,
      watch,
      goals.every((goal) => goal.status === 'achieved'),
      settings,
    );
  const events: CareEpisodeEvent[] = [
    {
      type: 'ProgressReportRecorded',
      ...stamp(command),
      reportId: command.reportId,
      reportedOn: command.reportedOn,
      measures: command.measures,
      goals,
      narrative: command.narrative,
      ...present('planChange', command.planChange),
      treatmentDaysInPeriod: state.progress.treatmentDaysInPeriod,
    },
    referralNotice(command, episode.referral, 'progress-report', command.reportId),
  ];
  return plateau
    ? [...events, { type: 'PlateauDetected', ...stamp(command), measure: plan.primaryMeasure, values: watch.slice(-3) }]
    : events;
};

export const recordReevaluation: Handler<'RecordReevaluation'> = (command, state, settings) => {
  const episode = needsPlan(state);
  if (episode instanceof DomainError) return episode;
  const refusal = firstRefusal(
    () => duplicate(state.reevaluationIds.includes(command.reevaluationId), `Re-evaluation ${command.reevaluationId}`),
    () => notAfterToday(command.reevaluatedOn, command.at, settings, 'A re-evaluation'),
    () => notBefore(command.reevaluatedOn, episode.assessment.assessedOn, 'A re-evaluation', 'the initial assessment'),
    () => measurementsRefusal(command.measures),
  );
  return (
    refusal ?? [
      {
        type: 'ReevaluationRecorded',
        ...stamp(command),
        reevaluationId: command.reevaluationId,
        reevaluatedOn: command.reevaluatedOn,
        reason: command.reason,
        findings: command.findings,
        measures: command.measures,
        billAsReevaluation: command.billAsReevaluation,
      },
    ]
  );
};

export const decideAfterPlateau: Handler<'DecideAfterPlateau'> = (command, state) => {
  const episode = careStarted(state);
  if (episode instanceof DomainError) return episode;
  const refusal = firstRefusal(
    () => (state.plateauPending ? undefined : new DomainError('NO_PLATEAU_PENDING', 'No plateau is waiting for a decision.')),
    () =>
      command.decision === 'continue-as-maintenance' && (command.justification ?? '').trim() === ''
        ? new DomainError('JUSTIFICATION_REQUIRED', 'Continuing as maintenance after a plateau needs a written justification.')
        : undefined,
  );
  return (
    refusal ?? [
      {
        type: 'PlateauDecisionRecorded',
        ...stamp(command),
        decision: command.decision,
        ...present('justification', command.justification),
      },
    ]
  );
};
