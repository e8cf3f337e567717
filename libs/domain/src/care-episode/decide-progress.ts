/** Progress reports, re-evaluation and the plateau decision (CLINICAL-RULES §8). */
import { DomainError, type Refusal } from '../errors';
import { goalStatus, measureDefinitions, measurementsRefusal, type Measurement } from '../rules/outcome-measures';
import { isPlateau } from '../rules/plateau';
import { referralNotice } from './decide-referral';
import { firstRefusal, type Handler } from './decision';
import type { CareEpisodeEvent, GoalProgress } from './events';
import { careStarted, duplicate, notAfterToday, notBefore, present, stamp } from './guards';
import type { PlanOfCare, Referral } from './records';
import type { CareEpisodeState } from './state';

const needsPlan = (state: CareEpisodeState): Refusal =>
  careStarted(state) ??
  (state.plan ? undefined : new DomainError('PLAN_OF_CARE_REQUIRED', 'Establish the plan of care first.'));

/** A report states progress per goal, so it needs a score for every goal's measure. */
const goalMeasuresRefusal = (plan: PlanOfCare, measures: readonly Measurement[]): Refusal => {
  const missing = plan.goals.find((goal) => !measures.some((m) => m.measure === goal.measure));
  return missing === undefined
    ? undefined
    : new DomainError(
        'OUTCOME_MEASURE_REQUIRED',
        `Goal ${missing.goalId} is measured by the ${measureDefinitions[missing.measure].name}; record it in this report.`,
        { goalId: missing.goalId },
      );
};

export const recordProgressReport: Handler<'RecordProgressReport'> = (command, state, settings) => {
  const refusal = firstRefusal(
    () => needsPlan(state),
    () => duplicate(state.progress.reportIds.includes(command.reportId), `Progress report ${command.reportId}`),
    () => notAfterToday(command.reportedOn, command.at, settings, 'A progress report'),
    () => notBefore(command.reportedOn, state.progress.periodStart, 'A progress report', 'the start of its period'),
    () =>
      state.progress.treatmentDaysInPeriod === 0
        ? new DomainError('PROGRESS_REPORT_NOT_DUE', 'No treatment day has been documented since the last progress report.')
        : undefined,
    () => measurementsRefusal(command.measures),
    () => goalMeasuresRefusal(state.plan as PlanOfCare, command.measures),
  );
  if (refusal) return refusal;
  const plan = state.plan as PlanOfCare;
  const valueOf = (measure: Measurement['measure']) => (command.measures.find((m) => m.measure === measure) as Measurement).value;
  const goals: GoalProgress[] = plan.goals.map((goal) => {
    const value = valueOf(goal.measure);
    return { goalId: goal.goalId, measure: goal.measure, value, status: goalStatus(goal, value, settings) };
  });
  const watch = [...state.plateauWatch, valueOf(plan.primaryMeasure)];
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
    referralNotice(command, state.referral as Referral, 'progress-report', command.reportId),
  ];
  return plateau
    ? [...events, { type: 'PlateauDetected', ...stamp(command), measure: plan.primaryMeasure, values: watch.slice(-3) }]
    : events;
};

export const recordReevaluation: Handler<'RecordReevaluation'> = (command, state, settings) => {
  const refusal = firstRefusal(
    () => needsPlan(state),
    () => duplicate(state.reevaluationIds.includes(command.reevaluationId), `Re-evaluation ${command.reevaluationId}`),
    () => notAfterToday(command.reevaluatedOn, command.at, settings, 'A re-evaluation'),
    () => notBefore(command.reevaluatedOn, state.assessment?.assessedOn, 'A re-evaluation', 'the initial assessment'),
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

export const decideAfterPlateau: Handler<'DecideAfterPlateau'> = (command, state) =>
  firstRefusal(
    () => careStarted(state),
    () => (state.plateauPending ? undefined : new DomainError('NO_PLATEAU_PENDING', 'No plateau is waiting for a decision.')),
    () =>
      command.decision === 'continue-as-maintenance' && (command.justification ?? '').trim() === ''
        ? new DomainError('JUSTIFICATION_REQUIRED', 'Continuing as maintenance after a plateau needs a written justification.')
        : undefined,
  ) ?? [{ type: 'PlateauDecisionRecorded', ...stamp(command), decision: command.decision, ...present('justification', command.justification) }];
