/**
 * Precautions from screening, the 97124/97140 pair across the day, and what routing reads from the
 * referral (docs/clinical-rules.md §3, §4, §7, §10).
 */
import type { BodyRegion } from '../../rules/catalogue';
import type { SessionLine } from '../../rules/notes';
import * as f from '../../testing/fixtures';
import type { ScreeningFinding } from '../../rules/contraindications';
import type { CareEpisodeCommand, CommandOf } from '../commands';
import { given } from '../../testing/given-when-then';

const flag = (finding: ScreeningFinding, when = f.at('2025-03-06', '12:00')): CommandOf<'FlagContraindication'> => ({
  type: 'FlagContraindication',
  at: when,
  actor: f.therapist,
  finding,
});
const pause = (sessionId: string, when = f.at('2025-03-07', '17:10')): CommandOf<'PauseSession'> => ({
  type: 'PauseSession',
  at: when,
  actor: f.therapist,
  sessionId,
  reason: 'called to radiology',
});
const resume = (sessionId: string, lines: SessionLine[], when = f.at('2025-03-07', '19:00')): CommandOf<'ResumeSession'> => ({
  type: 'ResumeSession',
  at: when,
  actor: f.therapist,
  sessionId,
  continuation: { lines, techniques: ['myofascial-release'], pressure: [] },
});
const addendum = (sessionId: string, correctedLines: SessionLine[]): CommandOf<'AddAddendum'> => ({
  type: 'AddAddendum',
  at: f.at('2025-03-08'),
  actor: f.therapist,
  sessionId,
  addendumId: 'a-1',
  text: 'regions corrected',
  correctedLines,
});
const massageOn = (region: BodyRegion): SessionLine[] => [{ code: '97124', minutes: 30, bodyRegions: [region] }];
const manualTherapyOn = (region: BodyRegion): SessionLine[] => [{ code: '97140', minutes: 30, bodyRegions: [region] }];
/** A certified episode whose intake found these findings (all relative, so no hold). */
const certifiedWith = (findings: ScreeningFinding[]) => [
  ...f.accepted(),
  f.recordIntake({ findings }),
  f.recordAssessment(),
  f.establishPlan(),
  f.certify(),
];
const anticoagulant: ScreeningFinding = { findingId: 'finding-ac', condition: 'anticoagulant-therapy' };

describe('97124 and 97140 on one region are checked across the whole day', () => {
  const massageSession = f.recordSession('s-1', '2025-03-07', { lines: massageOn('lower-back'), techniques: ['swedish'] });

  it('refuses a second session that day with manual therapy on the region massaged in the first', () =>
    given([...f.certified(), massageSession])
      .when(f.recordSession('s-2', '2025-03-07', { lines: manualTherapyOn('lower-back') }, f.at('2025-03-07', '18:00')))
      .thenRefused('CODE_PAIR_SAME_REGION', /same body region on the same day/));

  it('accepts the second session on another region, or on the same region another day', () => {
    given([...f.certified(), massageSession])
      .when(f.recordSession('s-2', '2025-03-07', { lines: manualTherapyOn('upper-back'), pressure: [] }, f.at('2025-03-07', '18:00')))
      .then([{ type: 'SessionRecorded' }]);
    given([...f.certified(), massageSession])
      .when(f.recordSession('s-2', '2025-03-08', { lines: manualTherapyOn('lower-back') }))
      .then([{ type: 'SessionRecorded' }]);
  });

  it('refuses a resumed session whose continuation pairs with another session of the day', () =>
    given([
      ...f.certified(),
      massageSession,
      f.recordSession('s-2', '2025-03-07', { lines: manualTherapyOn('upper-back'), pressure: [] }, f.at('2025-03-07', '17:05')),
      pause('s-2'),
    ])
      .when(resume('s-2', manualTherapyOn('lower-back')))
      .thenRefused('CODE_PAIR_SAME_REGION'));

  it('refuses a session pairing with the continuation of a resumed session that day', () =>
    given([
      ...f.certified(),
      f.recordSession('s-1', '2025-03-07', { lines: manualTherapyOn('upper-back'), pressure: [] }),
      pause('s-1'),
      resume('s-1', manualTherapyOn('lower-back')),
    ])
      .when(f.recordSession('s-2', '2025-03-07', { lines: massageOn('lower-back'), techniques: ['swedish'] }, f.at('2025-03-07', '20:00')))
      .thenRefused('CODE_PAIR_SAME_REGION'));

  it('refuses an addendum whose corrected lines pair with another session of the day', () =>
    given([
      ...f.certified(),
      massageSession,
      f.recordSession('s-2', '2025-03-07', { lines: manualTherapyOn('upper-back'), pressure: [] }, f.at('2025-03-07', '18:00')),
    ])
      .when(addendum('s-2', manualTherapyOn('lower-back')))
      .thenRefused('CODE_PAIR_SAME_REGION'));
});

describe('addenda pass the session rules', () => {
  const surgery: ScreeningFinding = {
    findingId: 'finding-surgery',
    condition: 'recent-surgery',
    occurredOn: '2025-02-20',
    bodyRegions: ['hip-left'],
  };

  it('refuses corrected lines that treat the site a precaution says to avoid', () =>
    given([...certifiedWith([surgery]), f.recordSession('s-1', '2025-03-07')])
      .when(addendum('s-1', manualTherapyOn('hip-left')))
      .thenRefused('TECHNIQUE_RESTRICTED', /treating hip-left is not allowed/));

  it('accepts corrected lines that keep to the precautions', () =>
    given([...certifiedWith([surgery]), f.recordSession('s-1', '2025-03-07')])
      .when(addendum('s-1', manualTherapyOn('upper-back')))
      .then([{ type: 'AddendumAdded' }]));
});

describe('precautions judge each technique on its own region and pressure', () => {
  it('refuses deep pressure by any technique under anticoagulant therapy, not only deep tissue', () =>
    given(certifiedWith([anticoagulant]))
      .when(
        f.recordSession('s-1', '2025-03-07', {
          lines: massageOn('lower-back'),
          techniques: ['swedish'],
          pressure: [{ bodyRegion: 'lower-back', pressure: 'deep' }],
        }),
      )
      .thenRefused('TECHNIQUE_RESTRICTED', /pressure above firm on lower-back/));

  it("judges trigger-point work by its own pressure, not another technique's", () => {
    const session = (pressure: object[]) =>
      f.recordSession('s-1', '2025-03-07', { techniques: ['trigger-point-therapy', 'swedish'], pressure: pressure as never });
    given(certifiedWith([anticoagulant]))
      .when(session([{ bodyRegion: 'neck', pressure: 'firm', technique: 'trigger-point-therapy' }]))
      .thenRefused('TECHNIQUE_RESTRICTED', /pressure above moderate on neck with trigger-point-therapy/);
    given(certifiedWith([anticoagulant]))
      .when(
        session([
          { bodyRegion: 'neck', pressure: 'light', technique: 'trigger-point-therapy' },
          { bodyRegion: 'lower-back', pressure: 'firm', technique: 'swedish' },
        ]),
      )
      .then([{ type: 'SessionRecorded' }]);
  });

  it('applies a pressure entry that names no technique to every technique of the session', () =>
    given(certifiedWith([anticoagulant]))
      .when(
        f.recordSession('s-1', '2025-03-07', {
          techniques: ['trigger-point-therapy', 'swedish'],
          pressure: [{ bodyRegion: 'lower-back', pressure: 'firm' }],
        }),
      )
      .thenRefused('TECHNIQUE_RESTRICTED', /with trigger-point-therapy/));

  it('refuses a technique named only in a pressure entry when the plan does not list it', () =>
    given(certifiedWith([]))
      .when(
        f.recordSession('s-1', '2025-03-07', {
          pressure: [{ bodyRegion: 'lower-back', pressure: 'light', technique: 'manual-lymph-drainage' }] as never,
        }),
      )
      .thenRefused('TECHNIQUE_NOT_IN_PLAN'));
});

describe('osteoporosis and controlled cardiovascular disease', () => {
  const deepOn = (region: BodyRegion) =>
    f.recordSession('s-1', '2025-03-07', {
      lines: massageOn(region),
      techniques: ['swedish'],
      pressure: [{ bodyRegion: region, pressure: 'deep' }],
    });
  const osteoporosis: ScreeningFinding = { findingId: 'finding-bone', condition: 'osteoporosis' };

  it('allows deep pressure on soft tissue with osteoporosis and refuses it over bone', () => {
    given(certifiedWith([osteoporosis]))
      .when(deepOn('leg-left'))
      .then([{ type: 'SessionRecorded' }]);
    given(certifiedWith([osteoporosis]))
      .when(deepOn('upper-back'))
      .thenRefused('TECHNIQUE_RESTRICTED', /upper-back/);
  });

  it('refuses deep pressure by any technique with controlled cardiovascular disease', () =>
    given(certifiedWith([{ findingId: 'finding-heart', condition: 'controlled-cardiovascular-disease' }]))
      .when(deepOn('leg-left'))
      .thenRefused('TECHNIQUE_RESTRICTED', /finding-heart/));
});

describe('intake medications, surgeries and pregnancy raise precautions', () => {
  it('flags anticoagulant therapy from a medication named in the intake, and keeps the finding in the intake', () =>
    given(f.accepted())
      .when(f.recordIntake({ medications: ['Apixaban 5 mg twice daily', 'paracetamol'] }))
      .then([
        {
          type: 'IntakeRecorded',
          intake: { findings: [{ findingId: 'intake-anticoagulant-therapy', condition: 'anticoagulant-therapy' }] },
        },
        { type: 'ContraindicationFlagged', contraindication: { findingId: 'intake-anticoagulant-therapy', severity: 'relative' } },
      ]));

  it.each([
    [{ name: 'Plavix' }],
    [{ name: 'enoxaparin injection' }],
    [{ name: 'aspirin 81 mg' }],
    [{ name: 'Aspirin', class: 'antiplatelet' }],
    [{ name: 'study drug XR-7', class: 'anticoagulant' }],
    [{ name: 'warfarin', class: 'other' }],
  ])('flags anticoagulant therapy from %j', (medication) =>
    given(f.accepted())
      .when(f.recordIntake({ medications: [medication] as never }))
      .then([{ type: 'IntakeRecorded' }, { type: 'ContraindicationFlagged', contraindication: { condition: 'anticoagulant-therapy' } }]),
  );

  it('does not flag aspirin recorded as a pain reliever, nor a medication off the list', () =>
    given(f.accepted())
      .when(f.recordIntake({ medications: [{ name: 'aspirin 500 mg', class: 'other' }, 'metformin'] as never }))
      .then([{ type: 'IntakeRecorded' }]));

  it('does not flag twice what the therapist already coded', () =>
    given(f.accepted())
      .when(f.recordIntake({ medications: ['warfarin'], findings: [anticoagulant] as never }))
      .then([{ type: 'IntakeRecorded' }, { type: 'ContraindicationFlagged', contraindication: { findingId: 'finding-ac' } }]));

  it('flags a surgery within six weeks with its site, and keeps an older one as history', () =>
    given(f.accepted())
      .when(
        f.recordIntake({
          recentSurgeries: [
            { procedure: 'hip arthroplasty', date: '2025-02-20', bodyRegions: ['hip-left'] },
            { procedure: 'appendectomy', date: '2019-06-01', bodyRegions: ['abdomen'] },
          ],
        } as never),
      )
      .then([
        {
          type: 'IntakeRecorded',
          intake: {
            findings: [
              { findingId: 'intake-recent-surgery-1', occurredOn: '2025-02-20', bodyRegions: ['hip-left'] },
              { findingId: 'intake-recent-surgery-2', occurredOn: '2019-06-01' },
            ],
          },
        },
        { type: 'ContraindicationFlagged', contraindication: { findingId: 'intake-recent-surgery-1', condition: 'recent-surgery' } },
      ]));

  it('flags pregnancy recorded at intake', () =>
    given(f.accepted())
      .when(f.recordIntake({ pregnant: true } as never))
      .then([
        { type: 'IntakeRecorded' },
        { type: 'ContraindicationFlagged', contraindication: { findingId: 'intake-pregnancy', condition: 'pregnancy' } },
      ]));

  it('refuses a session that breaks a precaution raised from a medication', () =>
    given([...f.accepted(), f.recordIntake({ medications: ['Xarelto'] }), f.recordAssessment(), f.establishPlan(), f.certify()])
      .when(f.recordSession('s-1', '2025-03-07', { techniques: ['deep-tissue'] }))
      .thenRefused('TECHNIQUE_RESTRICTED', /deep-tissue is not allowed/));

  it('refuses a surgery dated after the intake and a finding id reserved for derived findings', () => {
    given(f.accepted())
      .when(
        f.recordIntake({ recentSurgeries: [{ procedure: 'knee arthroscopy', date: '2025-03-05', bodyRegions: ['leg-left'] }] } as never),
      )
      .thenRefused('INVALID_COMMAND', /later than the day/);
    given(f.accepted())
      .when(f.recordIntake({ findings: [{ findingId: 'intake-pregnancy', condition: 'osteoporosis' }] }))
      .thenRefused('INVALID_COMMAND', /reserved/);
  });
});

describe('an acute fracture is judged against the regions to be treated', () => {
  const referredForLowBack = f.receiveReferral({ referral: f.referral({ bodyRegions: ['lower-back'] }) });
  const accepted = [referredForLowBack, f.routeReferral(), f.acceptOffer()];
  const wristFracture: ScreeningFinding = { findingId: 'finding-fx', condition: 'acute-fracture', bodyRegions: ['hand-left'] };

  it('makes a fracture away from the treated regions a precaution on its site, without a hold', () =>
    given(accepted)
      .when(f.recordIntake({ findings: [wristFracture] as never }))
      .then([
        { type: 'IntakeRecorded' },
        {
          type: 'ContraindicationFlagged',
          contraindication: { findingId: 'finding-fx', severity: 'relative', restrictions: [{ kind: 'site', regions: ['hand-left'] }] },
        },
      ]));

  it('holds the episode for a fracture at a treated region', () =>
    given(accepted)
      .when(f.recordIntake({ findings: [{ ...wristFracture, bodyRegions: ['lower-back'] }] as never }))
      .then([
        { type: 'IntakeRecorded' },
        { type: 'ContraindicationFlagged', contraindication: { severity: 'absolute' } },
        { type: 'EpisodePutOnHold' },
        { type: 'ClearanceRequested' },
      ]));

  it('refuses sessions on the fracture site and allows the rest of the plan', () => {
    const planned = [
      ...accepted,
      f.recordIntake({ findings: [wristFracture] as never }),
      f.recordAssessment(),
      f.establishPlan(),
      f.certify(),
    ];
    given(planned)
      .when(f.recordSession('s-1', '2025-03-07'))
      .then([{ type: 'SessionRecorded' }]);
    given(planned)
      .when(f.recordSession('s-1', '2025-03-07', { lines: manualTherapyOn('hand-left'), pressure: [] }))
      .thenRefused('TECHNIQUE_RESTRICTED', /treating hand-left/);
  });

  it('holds the episode when a later plan adds the fracture site to the treated regions', () =>
    given([...accepted, f.recordIntake({ findings: [wristFracture] as never }), f.recordAssessment()])
      .when(f.establishPlan({ bodyRegions: ['lower-back', 'hand-left'] } as never))
      .then([
        { type: 'PlanOfCareEstablished' },
        { type: 'ContraindicationFlagged', contraindication: { findingId: 'finding-fx', severity: 'absolute' } },
        { type: 'EpisodePutOnHold', reason: 'contraindication' },
        { type: 'ClearanceRequested', findingId: 'finding-fx' },
      ]));

  it('also holds when a revision adds the site, and a cleared fracture stays cleared', () => {
    const planned = [
      ...accepted,
      f.recordIntake({ findings: [wristFracture] as never }),
      f.recordAssessment(),
      f.establishPlan(),
      f.certify(),
    ];
    const revise: CommandOf<'RevisePlanOfCare'> = {
      type: 'RevisePlanOfCare',
      at: f.at('2025-03-07'),
      actor: f.therapist,
      plan: f.plan({ bodyRegions: ['hand-left'] } as never),
      reason: 'wrist pain',
    };
    const revised = given(planned).when(revise);
    revised.then([
      { type: 'PlanOfCareRevised' },
      { type: 'ContraindicationFlagged' },
      { type: 'EpisodePutOnHold' },
      { type: 'ClearanceRequested' },
    ]);
    expect(revised.state().contraindications).toEqual([
      expect.objectContaining({ findingId: 'finding-fx', severity: 'absolute', clearanceRequested: true }),
    ]);
    const clearance: CareEpisodeCommand[] = [
      { type: 'RequestClearance', at: f.at('2025-03-06', '13:00'), actor: f.therapist, findingId: 'finding-fx' },
      {
        type: 'GrantClearance',
        at: f.at('2025-03-06', '14:00'),
        actor: f.lead,
        findingId: 'finding-fx',
        clearedBy: f.physician,
        clearedOn: '2025-03-06',
      },
    ];
    given([...planned, ...clearance])
      .when(revise)
      .then([{ type: 'PlanOfCareRevised' }]);
  });

  it('keeps a fracture absolute when the referral names no regions to compare with', () =>
    given([...f.certified()])
      .when(flag(wristFracture))
      .then([
        { type: 'ContraindicationFlagged', contraindication: { severity: 'absolute' } },
        { type: 'EpisodePutOnHold' },
        { type: 'ClearanceRequested' },
      ]));
});

describe('routing reads the referral', () => {
  const oncologyReferral = f.receiveReferral({ referral: f.referral({ cancerHistory: true }) });
  const certificate = (expiresOn: string) => [{ certificate: 'oncology-massage', expiresOn }];
  const route = f.routeReferral();

  it("requires the oncology certificate for the referral's own cancer history", () => {
    const routed = given([oncologyReferral]).when({
      ...route,
      therapists: [f.therapistProfile('t-1'), f.therapistProfile('t-2', { specialtyCertificates: certificate('2027-01-01') } as never)],
    });
    routed.then([
      {
        type: 'ReferralRouted',
        request: { cancerHistory: true },
        decision: { requiredCertificates: ['oncology-massage'], ranked: [{ therapistId: 't-2' }] },
      },
      { type: 'TherapistOffered', therapistId: 't-2' },
    ]);
  });

  it('excludes a therapist whose certificate expired by the referral date or expires before the plan ends', () => {
    const routed = given([oncologyReferral]).when({
      ...route,
      expectedPlanEnd: '2025-06-01',
      therapists: [
        f.therapistProfile('t-1', { specialtyCertificates: certificate('2025-02-28') } as never),
        f.therapistProfile('t-2', { specialtyCertificates: certificate('2025-05-31') } as never),
      ],
    });
    routed.then([
      {
        type: 'ReferralRouted',
        decision: {
          ranked: [],
          excluded: [
            { therapistId: 't-1', exclusions: [{ rule: 'certificate-expired-on-referral-date' }] },
            { therapistId: 't-2', exclusions: [{ rule: 'certificate-expires-before-plan-end' }] },
          ],
        },
      },
      { type: 'RoutingEscalated', reason: 'no-eligible-therapist' },
    ]);
  });
});
