import { defaultDepartmentSettings } from '../../settings';
import * as f from '../../testing/fixtures';
import { given, replay } from '../../testing/given-when-then';
import type { CommandOf } from '../commands';
import { decide } from '../decide';
import type { CareEpisodeEvent } from '../events';
import { evolve } from '../evolve';

const measures = (nprs: number, odi = 35) =>
  [
    { measure: 'NPRS', value: nprs },
    { measure: 'ODI', value: odi },
  ] as const;
const reevaluate = (overrides: Partial<CommandOf<'RecordReevaluation'>> = {}): CommandOf<'RecordReevaluation'> => ({
  type: 'RecordReevaluation',
  at: f.at('2025-03-10'),
  actor: f.therapist,
  reevaluationId: 're-1',
  reevaluatedOn: '2025-03-10',
  reason: 'no-response-to-treatment',
  findings: 'no change in lumbar flexion',
  measures: [{ measure: 'NPRS', value: 6 }],
  billAsReevaluation: true,
  ...overrides,
});
const decideAfterPlateau = (
  decision: CommandOf<'DecideAfterPlateau'>['decision'],
  justification?: string,
): CommandOf<'DecideAfterPlateau'> => ({
  type: 'DecideAfterPlateau',
  at: f.at('2025-03-12'),
  actor: f.therapist,
  decision,
  ...(justification === undefined ? {} : { justification }),
});

/** Sessions and reports on alternate days: NPRS after each report as given. */
const periods = (...nprs: number[]) =>
  nprs.flatMap((value, index) => {
    const day = `2025-03-${String(7 + index * 2).padStart(2, '0')}`;
    return [f.recordSession(`s-${index}`, day), f.progressReport(`r-${index}`, day, measures(value))];
  });

describe('progress reports', () => {
  it('states progress per goal and sends a notice to the referring provider', () => {
    const reported = given([...f.certified(), f.recordSession('s-1', '2025-03-07')]).when(
      f.progressReport('r-1', '2025-03-07', measures(5, 28)),
    );
    reported.then([
      {
        type: 'ProgressReportRecorded',
        reportId: 'r-1',
        treatmentDaysInPeriod: 2,
        goals: [
          { goalId: 'goal-pain', value: 5, status: 'improving' },
          { goalId: 'goal-function', value: 28, status: 'improving' },
        ],
      },
      { type: 'ReferringProviderNoticeIssued', notice: 'progress-report', reportId: 'r-1' },
    ]);
    expect(reported.state().progress).toMatchObject({ periodStart: '2025-03-07', treatmentDaysInPeriod: 0, reportIds: ['r-1'] });
  });

  it('refuses a report without a treatment day since the last, a repeated id, or missing a goal measure', () => {
    const reported = [...f.certified(), f.recordSession('s-1', '2025-03-07'), f.progressReport('r-1', '2025-03-07')];
    given(reported).when(f.progressReport('r-2', '2025-03-08')).thenRefused('PROGRESS_REPORT_NOT_DUE');
    given([...reported, f.recordSession('s-2', '2025-03-08')])
      .when(f.progressReport('r-1', '2025-03-08'))
      .thenRefused('DUPLICATE_ID');
    given(f.certified())
      .when(f.progressReport('r-1', '2025-03-06', [{ measure: 'NPRS', value: 5 }]))
      .thenRefused('OUTCOME_MEASURE_REQUIRED', /goal-function/);
    given(f.certified())
      .when(f.progressReport('r-1', '2025-03-04'))
      .thenRefused('INVALID_COMMAND', /start of its period/);
    given([...f.accepted(), f.recordIntake(), f.recordAssessment()])
      .when(f.progressReport('r-1', '2025-03-06'))
      .thenRefused('PLAN_OF_CARE_REQUIRED');
  });
});

describe('the optional calendar limit on progress reports', () => {
  const thirtyDays = { ...defaultDepartmentSettings, progressReportCalendarDays: 30 };

  it('counts the evaluation day as day 1 of 30', () => {
    // Evaluation 2025-03-05 is day 1; 2025-04-03 is day 30, 2025-04-04 would be day 31.
    const treated = [...f.certified(), f.recordSession('s-1', '2025-03-07')];
    given(treated, thirtyDays)
      .when(f.recordSession('s-2', '2025-04-03'))
      .then([{ type: 'SessionRecorded' }]);
    given(treated, thirtyDays)
      .when(f.recordSession('s-2', '2025-04-04'))
      .thenRefused('PROGRESS_REPORT_OVERDUE', /30 calendar days/);
  });
});

describe('plateau', () => {
  it('is detected when the primary measure moves less than its MCID across two consecutive periods', () => {
    // Baseline NPRS 7 → 6 → 6: two periods under 2 points, goals unmet.
    given([...f.certified(), ...periods(6), f.recordSession('s-9', '2025-03-20')])
      .when(f.progressReport('r-9', '2025-03-20', measures(6)))
      .then([
        { type: 'ProgressReportRecorded' },
        { type: 'ReferringProviderNoticeIssued' },
        { type: 'PlateauDetected', measure: 'NPRS', values: [7, 6, 6] },
      ]);
  });

  it('is not detected when one of the periods reached the MCID', () =>
    given([...f.certified(), ...periods(5), f.recordSession('s-9', '2025-03-20')])
      .when(f.progressReport('r-9', '2025-03-20', measures(5)))
      .then([{ type: 'ProgressReportRecorded' }, { type: 'ReferringProviderNoticeIssued' }]));

  it('is not detected when two periods each under the MCID add up to it', () =>
    // Baseline NPRS 7 → 6 → 5: one point a period, two (the MCID) across the two periods.
    given([...f.certified(), ...periods(6), f.recordSession('s-9', '2025-03-20')])
      .when(f.progressReport('r-9', '2025-03-20', measures(5)))
      .then([{ type: 'ProgressReportRecorded' }, { type: 'ReferringProviderNoticeIssued' }]));

  it('holds the next session until the clinician decides, and never discharges by itself', () => {
    const pending = [...f.certified(), ...periods(6, 6)];
    const next = given(pending).when(f.recordSession('s-9', '2025-03-20'));
    next.thenRefused('PLATEAU_DECISION_REQUIRED', /record the decision/);
    expect(replay(pending).state.status).toBe('active');
    given([...pending, decideAfterPlateau('continue-as-maintenance', 'prevents loss of function at work')])
      .when(f.recordSession('s-9', '2025-03-20'))
      .then([{ type: 'SessionRecorded', sessionId: 's-9' }]);
    given([...pending, decideAfterPlateau('re-evaluate-and-revise')])
      .when(f.recordSession('s-9', '2025-03-20'))
      .then([{ type: 'SessionRecorded', sessionId: 's-9' }]);
  });

  it('is not raised again while a decision is pending, in a stream recorded before sessions waited for it', () => {
    const pending = replay([...f.certified(), ...periods(6, 6)]).state;
    const session = f.recordSession('s-9', '2025-03-20');
    const recordedThen = decide(session, { ...pending, plateauPending: false }) as CareEpisodeEvent[];
    const state = recordedThen.reduce(evolve, pending);
    expect(decide(f.progressReport('r-9', '2025-03-20', measures(6)), state, defaultDepartmentSettings)).toMatchObject([
      { type: 'ProgressReportRecorded' },
      { type: 'ReferringProviderNoticeIssued' },
    ]);
  });

  it('takes the clinician decision; maintenance needs a written justification', () => {
    const pending = [...f.certified(), ...periods(6, 6)];
    given(pending)
      .when(decideAfterPlateau('discharge-at-mmi'))
      .then([{ type: 'PlateauDecisionRecorded', decision: 'discharge-at-mmi' }]);
    given(pending).when(decideAfterPlateau('continue-as-maintenance')).thenRefused('JUSTIFICATION_REQUIRED');
    given(pending)
      .when(decideAfterPlateau('continue-as-maintenance', 'prevents loss of function at work'))
      .then([{ type: 'PlateauDecisionRecorded', justification: 'prevents loss of function at work' }]);
    given(f.certified()).when(decideAfterPlateau('re-evaluate-and-revise')).thenRefused('NO_PLATEAU_PENDING');
  });

  it('needs two new periods after a decision before it is raised again', () => {
    const decided = [...f.certified(), ...periods(6, 6), decideAfterPlateau('re-evaluate-and-revise')];
    given([...decided, f.recordSession('s-9', '2025-03-20')])
      .when(f.progressReport('r-9', '2025-03-20', measures(6)))
      .then([{ type: 'ProgressReportRecorded' }, { type: 'ReferringProviderNoticeIssued' }]);
  });
});

describe('re-evaluation', () => {
  it('is recorded with its reason and measures', () =>
    given(f.certified())
      .when(reevaluate())
      .then([{ type: 'ReevaluationRecorded', reason: 'no-response-to-treatment', billAsReevaluation: true }]));

  it('needs a reason', () =>
    given(f.certified())
      .when(reevaluate({ reason: undefined }))
      .thenRefused('REEVALUATION_REASON_REQUIRED'));

  it('refuses a repeated id, no measures, a plan missing, and a date before the assessment', () => {
    given([...f.certified(), reevaluate()])
      .when(reevaluate())
      .thenRefused('DUPLICATE_ID');
    given(f.certified())
      .when(reevaluate({ measures: [] }))
      .thenRefused('OUTCOME_MEASURE_REQUIRED');
    given([...f.accepted(), f.recordIntake(), f.recordAssessment()])
      .when(reevaluate())
      .thenRefused('PLAN_OF_CARE_REQUIRED');
    given(f.certified())
      .when(reevaluate({ reevaluatedOn: '2025-03-04' }))
      .thenRefused('INVALID_COMMAND', /initial assessment/);
  });

  it('lets a revised plan use a measure first taken at re-evaluation', () => {
    const withNdi = [...f.certified(), reevaluate({ measures: [{ measure: 'NDI', value: 30 }] })];
    given(withNdi)
      .when({
        type: 'RevisePlanOfCare',
        at: f.at('2025-03-10', '12:00'),
        actor: f.therapist,
        reason: 'neck involvement',
        plan: f.plan({
          goals: [
            ...f.plan().goals,
            { goalId: 'goal-neck', description: 'NDI at most 10', measure: 'NDI', baseline: 30, target: 10, targetDate: '2025-04-20' },
          ],
        }),
      })
      .then([{ type: 'PlanOfCareRevised', materialChanges: ['goals'], recertificationRequired: true }]);
  });
});
