import { defaultDepartmentSettings } from '../../settings';
import * as f from '../../testing/fixtures';
import { given, malformed } from '../../testing/given-when-then';
import type { CommandOf } from '../commands';
import { dueDates } from '../due-dates';
import type { Goal } from '../records';

const revise = (overrides: Parameters<typeof f.plan>[0], when = f.at('2025-03-20')): CommandOf<'RevisePlanOfCare'> => ({
  type: 'RevisePlanOfCare',
  at: when,
  actor: f.therapist,
  plan: f.plan(overrides),
  reason: 'patient response',
});
const signVerbal = (signedOn: string): CommandOf<'SignVerbalOrder'> => ({
  type: 'SignVerbalOrder',
  at: f.at(signedOn, '18:00'),
  actor: f.lead,
  signedOn,
});
const recertify = (signedOn: string): CommandOf<'RecertifyPlanOfCare'> => ({
  type: 'RecertifyPlanOfCare',
  at: f.at(signedOn, '18:00'),
  actor: f.lead,
  certifier: f.physician,
  signedOn,
});

describe('initial assessment', () => {
  it('needs intake first, happens once, and needs a standardized measure in range', () => {
    given(f.accepted()).when(f.recordAssessment()).thenRefused('INTAKE_REQUIRED');
    given([...f.accepted(), f.recordIntake(), f.recordAssessment()])
      .when(f.recordAssessment())
      .thenRefused('OUT_OF_ORDER', /re-evaluation/);
    given([...f.accepted(), f.recordIntake()])
      .when(f.recordAssessment({ measures: [] }))
      .thenRefused('OUTCOME_MEASURE_REQUIRED');
    given([...f.accepted(), f.recordIntake()])
      .when(f.recordAssessment({ measures: [{ measure: 'NPRS', value: 11 }] }))
      .thenRefused('OUTCOME_MEASURE_OUT_OF_RANGE');
    given([...f.accepted(), f.recordIntake()])
      .when(f.recordAssessment({ assessedOn: '2025-03-06' }))
      .thenRefused('INVALID_COMMAND', /later than the day/);
  });

  it('refuses to start care on an order more than 90 days old', () => {
    const oldOrder = [
      f.receiveReferral({ referral: f.referral({ referralDate: '2025-01-10' }) }),
      f.routeReferral(),
      f.acceptOffer(),
      f.recordIntake(),
    ];
    given(oldOrder)
      .when(f.recordAssessment({ assessedOn: '2025-04-10' }, f.at('2025-04-10')))
      .then([{ type: 'AssessmentRecorded' }]);
    given(oldOrder)
      .when(f.recordAssessment({ assessedOn: '2025-04-11' }, f.at('2025-04-11')))
      .thenRefused('REFERRAL_EXPIRED');
  });
});

describe('plan of care', () => {
  const assessed = [...f.accepted(), f.recordIntake(), f.recordAssessment()];

  it('needs the assessment first and is established once', () => {
    given([...f.accepted(), f.recordIntake()])
      .when(f.establishPlan())
      .thenRefused('ASSESSMENT_REQUIRED');
    given(f.planned())
      .when(f.establishPlan())
      .thenRefused('OUT_OF_ORDER', /revise/);
  });

  it.each([
    [
      'a measure not taken',
      {
        goals: [{ goalId: 'g', description: 'd', measure: 'NDI', baseline: 30, target: 10, targetDate: '2025-04-01' }],
        primaryMeasure: 'NDI',
      },
      'INVALID_PLAN_OF_CARE',
      /not been measured/,
    ],
    [
      'a target worse than baseline',
      { goals: [{ goalId: 'g', description: 'd', measure: 'NPRS', baseline: 7, target: 8, targetDate: '2025-04-01' }] },
      'INVALID_PLAN_OF_CARE',
      /better than its baseline/,
    ],
    [
      'a target out of range',
      { goals: [{ goalId: 'g', description: 'd', measure: 'NPRS', baseline: 7, target: -1, targetDate: '2025-04-01' }] },
      'INVALID_COMMAND',
      /target/,
    ],
    [
      'a baseline out of range',
      { goals: [{ goalId: 'g', description: 'd', measure: 'NPRS', baseline: 12, target: 2, targetDate: '2025-04-01' }] },
      'OUTCOME_MEASURE_OUT_OF_RANGE',
      /NPRS/,
    ],
    [
      'a target date before the evaluation',
      { goals: [{ goalId: 'g', description: 'd', measure: 'NPRS', baseline: 7, target: 2, targetDate: '2025-03-01' }] },
      'INVALID_PLAN_OF_CARE',
      /target date/,
    ],
    ['a primary measure without a goal', { primaryMeasure: 'PSFS' }, 'INVALID_PLAN_OF_CARE', /primary measure/],
    ['a technique outside the catalogue', { techniques: ['cupping'] }, 'INVALID_COMMAND', /techniques\[0\]/],
    ['no goals', { goals: [] }, 'INVALID_COMMAND', /goals/],
  ] as const)('refuses %s', (_, overrides, code, message) =>
    given(assessed)
      .when(malformed({ ...f.establishPlan(), plan: { ...f.plan(), ...overrides } }))
      .thenRefused(code, message),
  );

  it('revises without recertification before the plan is certified, moving the period with the duration', () =>
    given(f.planned())
      .when(revise({ durationWeeks: 12, frequencyPerWeek: 3 }))
      .then([
        {
          type: 'PlanOfCareRevised',
          version: 2,
          materialChanges: ['frequency', 'duration'],
          recertificationRequired: false,
          periodEnd: '2025-05-27',
        },
      ]));

  it('asks for recertification after a material change of a certified plan, not after a reduction', () => {
    given(f.certified())
      .when(
        revise({
          goals: [
            ...f.plan().goals,
            { goalId: 'goal-new', description: 'sleep', measure: 'ODI', baseline: 40, target: 30, targetDate: '2025-04-20' },
          ],
        }),
      )
      .then([{ type: 'PlanOfCareRevised', materialChanges: ['goals'], recertificationRequired: true, periodEnd: '2025-04-29' }]);
    given(f.certified())
      .when(revise({ frequencyPerWeek: 1 }))
      .then([{ type: 'PlanOfCareRevised', materialChanges: [], recertificationRequired: false }]);
  });

  it("asks for recertification when an existing goal's target or measure changes, not its wording or date", () => {
    const [pain, fn] = f.plan().goals as [Goal, Goal];
    const certified = given(f.certified());
    const newTarget = certified.when(revise({ goals: [{ ...pain, target: 1 }, fn] }));
    newTarget.then([{ type: 'PlanOfCareRevised', materialChanges: ['goals'], recertificationRequired: true }]);
    expect(newTarget.state().certification.recertificationRequired).toBe(true);
    given([...f.certified(), revise({ goals: [{ ...pain, target: 1 }, fn] })])
      .when(f.recordSession('s-1', '2025-03-21'))
      .thenRefused('RECERTIFICATION_REQUIRED', /changed goals/);
    certified
      .when(revise({ goals: [pain, { ...fn, measure: 'NPRS', baseline: 7, target: 3 }] }))
      .then([{ type: 'PlanOfCareRevised', materialChanges: ['goals'], recertificationRequired: true }]);
    certified
      .when(revise({ goals: [{ ...pain, description: 'pain at most 2 when gardening', targetDate: '2025-04-20' }, fn] }))
      .then([{ type: 'PlanOfCareRevised', materialChanges: [], recertificationRequired: false }]);
  });

  it('follows a new primary measure for plateau detection', () => {
    const revised = given(f.certified()).when(revise({ primaryMeasure: 'ODI' }));
    expect(revised.state().plateauWatch).toEqual([40]);
  });

  it('refuses a revision before there is a plan', () => given(f.accepted()).when(revise({})).thenRefused('PLAN_OF_CARE_REQUIRED'));
});

describe('certification', () => {
  it('is timely when signed on day 30 after the first treatment day and delinquent on day 31', () => {
    given(f.planned())
      .when(f.certify({ certifiedOn: '2025-04-04', at: f.at('2025-04-04') }))
      .then([{ type: 'PlanOfCareCertified', timely: true }]);
    const late = given(f.planned()).when(f.certify({ certifiedOn: '2025-04-05', at: f.at('2025-04-05') }));
    late.then([{ type: 'PlanOfCareCertified', timely: false }]);
    expect(late.state().certification.delinquent).toBe(true);
  });

  it('refuses a chiropractor, a missing plan, a second certification and dates outside the episode', () => {
    given(f.planned())
      .when(f.certify({ certifier: { ...f.physician, credential: 'DC' } }))
      .thenRefused('CERTIFIER_NOT_QUALIFIED', /MD, DO, NP or PA/);
    given([...f.accepted(), f.recordIntake(), f.recordAssessment()])
      .when(f.certify())
      .thenRefused('PLAN_OF_CARE_REQUIRED');
    given(f.certified())
      .when(f.certify())
      .thenRefused('INVALID_STATUS_TRANSITION', /recertify/);
    given(f.planned())
      .when(f.certify({ certifiedOn: '2025-03-07' }))
      .thenRefused('INVALID_COMMAND', /later than the day/);
    given(f.planned())
      .when(f.certify({ certifiedOn: '2025-03-04' }))
      .thenRefused('INVALID_COMMAND', /earlier than the evaluation/);
  });

  it('takes a verbal order that must be signed within 14 days', () => {
    const verbal = [...f.planned(), f.certify({ kind: 'verbal', certifiedOn: '2025-03-06' })];
    given(f.planned())
      .when(f.certify({ kind: 'verbal', certifiedOn: '2025-03-06' }))
      .then([{ type: 'VerbalOrderReceived', orderedOn: '2025-03-06', timely: true, signatureDueOn: '2025-03-20' }]);
    given(verbal)
      .when(signVerbal('2025-03-20'))
      .then([{ type: 'VerbalOrderSigned', timely: true }]);
    const late = given(verbal).when(signVerbal('2025-03-21'));
    late.then([{ type: 'VerbalOrderSigned', timely: false }]);
    expect(late.state().certification.delinquent).toBe(true);
  });

  it('refuses a signature without a pending verbal order or dated before it', () => {
    const verbal = [...f.planned(), f.certify({ kind: 'verbal', certifiedOn: '2025-03-06' })];
    given(f.certified()).when(signVerbal('2025-03-10')).thenRefused('VERBAL_ORDER_NOT_PENDING');
    given([...verbal, signVerbal('2025-03-10')])
      .when(signVerbal('2025-03-11'))
      .thenRefused('VERBAL_ORDER_NOT_PENDING');
    given(verbal)
      .when({ ...signVerbal('2025-03-10'), signedOn: '2025-03-05' })
      .thenRefused('INVALID_COMMAND', /earlier than the verbal order/);
  });
});

describe('recertification', () => {
  it('continues the period the day after it ends', () =>
    given(f.certified())
      .when(recertify('2025-04-25'))
      .then([{ type: 'PlanOfCareRecertified', periodStart: '2025-04-30', periodEnd: '2025-06-24' }]));

  it('starts the new period on the signature after a material change', () => {
    const material = revise({ frequencyPerWeek: 3 });
    given([...f.certified(), material])
      .when(recertify('2025-03-21'))
      .then([{ type: 'PlanOfCareRecertified', periodStart: '2025-03-21', periodEnd: '2025-05-15' }]);
  });

  it('needs an initial certification', () => given(f.planned()).when(recertify('2025-04-25')).thenRefused('CERTIFICATION_REQUIRED'));

  it('re-arms the period-end deadline for the new period', () => {
    const settings = defaultDepartmentSettings;
    const renewed = given([...f.certified(), f.markDeadline('certified-period-end', '2025-04-30T04:00:00.000Z')]).when(
      recertify('2025-04-30'),
    );
    expect(dueDates(renewed.state(), settings).find((due) => due.kind === 'certified-period-end')).toEqual({
      kind: 'certified-period-end',
      lastDay: '2025-06-24',
      dueAt: '2025-06-25T04:00:00.000Z',
    });
  });
});
