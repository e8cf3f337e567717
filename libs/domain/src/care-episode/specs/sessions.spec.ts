import * as f from '../../testing/fixtures';
import { given } from '../../testing/given-when-then';
import type { CareEpisodeCommand, CommandOf } from '../commands';
import type { SessionLine } from '../../rules/notes';

const pause = (sessionId: string, when = f.at('2025-03-07', '17:10')): CommandOf<'PauseSession'> => ({
  type: 'PauseSession',
  at: when,
  actor: f.therapist,
  sessionId,
  reason: 'patient called to radiology',
});
const resume = (
  sessionId: string,
  lines: readonly SessionLine[] = [{ code: '97140', minutes: 15, bodyRegions: ['lower-back'] }],
  when = f.at('2025-03-07', '19:00'),
  extra: Partial<CommandOf<'ResumeSession'>['continuation']> = {},
): CommandOf<'ResumeSession'> => ({
  type: 'ResumeSession',
  at: when,
  actor: f.therapist,
  sessionId,
  continuation: { lines, techniques: ['myofascial-release'], pressure: [], ...extra },
});
const noShow = (sessionId: string, date: string): CommandOf<'RecordNoShow'> => ({
  type: 'RecordNoShow',
  at: f.at(date, '18:00'),
  actor: f.therapist,
  sessionId,
  date,
});
const cancel = (sessionId: string, date: string): CommandOf<'CancelSession'> => ({
  type: 'CancelSession',
  at: f.at(date, '08:00'),
  actor: f.therapist,
  sessionId,
  date,
  cancelledBy: 'patient',
  reason: 'sick',
});
const addendum = (sessionId: string, addendumId: string, correctedLines?: readonly SessionLine[]): CommandOf<'AddAddendum'> => ({
  type: 'AddAddendum',
  at: f.at('2025-03-08'),
  actor: f.therapist,
  sessionId,
  addendumId,
  text: 'minutes corrected',
  ...(correctedLines ? { correctedLines } : {}),
});
const s1 = f.recordSession('s-1', '2025-03-07');

describe('recording a session', () => {
  it('is refused before intake, assessment and plan of care', () => {
    given(f.accepted()).when(s1).thenRefused('INTAKE_REQUIRED');
    given([...f.accepted(), f.recordIntake()])
      .when(s1)
      .thenRefused('ASSESSMENT_REQUIRED');
    given([...f.accepted(), f.recordIntake(), f.recordAssessment()])
      .when(s1)
      .thenRefused('PLAN_OF_CARE_REQUIRED');
    given([f.receiveReferral()]).when(s1).thenRefused('OUT_OF_ORDER');
    given([]).when(s1).thenRefused('EPISODE_NOT_STARTED');
  });

  it('is refused while the episode is on hold', () => {
    given([...f.certified(), { type: 'PlaceOnHold', at: f.at('2025-03-06', '12:00'), actor: f.lead, reason: 'travel' }])
      .when(s1)
      .thenRefused('EPISODE_ON_HOLD', /resume it first/);
    given([
      ...f.certified(),
      {
        type: 'FlagContraindication',
        at: f.at('2025-03-06', '12:00'),
        actor: f.therapist,
        finding: { findingId: 'fx', condition: 'acute-bleeding' },
      },
    ])
      .when(s1)
      .thenRefused('EPISODE_ON_HOLD', /physician must clear it/);
  });

  it('is refused with a repeated id, in the future, or before the evaluation', () => {
    given([...f.certified(), s1])
      .when(s1)
      .thenRefused('DUPLICATE_ID');
    given(f.certified())
      .when(f.recordSession('s-1', '2025-03-08', {}, f.at('2025-03-07')))
      .thenRefused('INVALID_COMMAND', /later than the day/);
    given(f.certified())
      .when(f.recordSession('s-1', '2025-03-04'))
      .thenRefused('INVALID_COMMAND', /earlier than the evaluation/);
  });

  it('is allowed on the last day of the certified period (day 90) and refused the day after', () => {
    const longPlan = [...f.accepted(), f.recordIntake(), f.recordAssessment(), f.establishPlan({ durationWeeks: 13 }), f.certify()];
    given(longPlan)
      .when(f.recordSession('s-1', '2025-06-02'))
      .then([{ type: 'SessionRecorded' }]);
    given(longPlan)
      .when(f.recordSession('s-1', '2025-06-03'))
      .thenRefused('CERTIFICATION_EXPIRED', /recertified/);
  });

  it('is refused after a material change until the plan is recertified', () =>
    given([
      ...f.certified(),
      {
        type: 'RevisePlanOfCare',
        at: f.at('2025-03-06', '12:00'),
        actor: f.therapist,
        plan: f.plan({ frequencyPerWeek: 3 }),
        reason: 'more',
      },
    ])
      .when(s1)
      .thenRefused('RECERTIFICATION_REQUIRED'));

  it('is refused when the therapist license expired the day before, allowed when it expires that day', () => {
    given(f.certified())
      .when(f.recordSession('s-1', '2025-03-07', { therapist: { therapistId: 't-1', licenseExpiresOn: '2025-03-06' } }))
      .thenRefused('LICENSE_EXPIRED');
    given(f.certified())
      .when(f.recordSession('s-1', '2025-03-07', { therapist: { therapistId: 't-1', licenseExpiresOn: '2025-03-07' } }))
      .then([{ type: 'SessionRecorded' }]);
  });

  describe('authorization', () => {
    const authorized = (authorization: object) => [
      f.receiveReferral({ referral: f.referral({ authorization }) }),
      f.routeReferral(),
      f.acceptOffer(),
      f.recordIntake(),
      f.recordAssessment(),
      f.establishPlan(),
      f.certify(),
    ];

    it('allows the last authorized visit and refuses the next unless it is self-pay', () => {
      const twoVisits = [...authorized({ visits: 2 }), s1];
      given(twoVisits)
        .when(f.recordSession('s-2', '2025-03-08'))
        .then([{ type: 'SessionRecorded', visitNumber: 2 }]);
      const used = [...twoVisits, f.recordSession('s-2', '2025-03-08')];
      given(used)
        .when(f.recordSession('s-3', '2025-03-09'))
        .thenRefused('AUTHORIZATION_EXHAUSTED', /self-pay/);
      given(used)
        .when(f.recordSession('s-3', '2025-03-09', { selfPay: true }))
        .then([{ type: 'SessionRecorded', visitNumber: 3 }]);
    });

    it('refuses a session after the authorization end date unless it is self-pay', () => {
      given(authorized({ endDate: '2025-03-07' }))
        .when(s1)
        .then([{ type: 'SessionRecorded' }]);
      given(authorized({ endDate: '2025-03-06' }))
        .when(s1)
        .thenRefused('AUTHORIZATION_EXPIRED');
    });
  });

  describe('progress report cadence (the evaluation is treatment day 1)', () => {
    const nineSessions = [...f.certified(), ...f.dailySessions(9)];

    it('warns on the 8th treatment day and says the report is due on the 10th', () => {
      given([...f.certified(), ...f.dailySessions(6)])
        .when(f.recordSession('s-7', '2025-03-13'))
        .then([
          { type: 'SessionRecorded', treatmentDaysInPeriod: 8 },
          { type: 'ProgressReportDueSoon', treatmentDaysInPeriod: 8 },
        ]);
      given([...f.certified(), ...f.dailySessions(8)])
        .when(f.recordSession('s-9', '2025-03-15'))
        .then([
          { type: 'SessionRecorded', treatmentDaysInPeriod: 10 },
          { type: 'ProgressReportDue', basis: 'treatment-days' },
        ]);
    });

    it('refuses the 11th treatment day until the report exists', () => {
      given(nineSessions)
        .when(f.recordSession('s-10', '2025-03-16'))
        .thenRefused('PROGRESS_REPORT_OVERDUE', /10th treatment day/);
      given([...nineSessions, f.progressReport('r-1', '2025-03-15')])
        .when(f.recordSession('s-10', '2025-03-16'))
        .then([{ type: 'SessionRecorded', treatmentDaysInPeriod: 1 }]);
    });

    it('allows a second session on the 10th treatment day', () =>
      given(nineSessions)
        .when(f.recordSession('s-10', '2025-03-15', {}, f.at('2025-03-15', '19:00')))
        .then([{ type: 'SessionRecorded', newTreatmentDay: false, treatmentDaysInPeriod: 10 }]));

    it('refuses a session dated before the last progress report', () =>
      given([...f.certified(), s1, f.progressReport('r-1', '2025-03-08')])
        .when(f.recordSession('s-2', '2025-03-07', {}, f.at('2025-03-09')))
        .thenRefused('INVALID_COMMAND', /last progress report/));
  });

  describe('techniques', () => {
    const anticoagulated = [
      ...f.accepted(),
      f.recordIntake({ findings: [{ findingId: 'finding-ac', condition: 'anticoagulant-therapy' }] }),
      f.recordAssessment(),
      f.establishPlan(),
      f.certify(),
    ];

    it('refuses a technique the plan of care does not list', () =>
      given(f.certified())
        .when(f.recordSession('s-1', '2025-03-07', { techniques: ['manual-lymph-drainage'] }))
        .thenRefused('TECHNIQUE_NOT_IN_PLAN'));

    it('refuses a technique restricted by an uncleared precaution and allows it once cleared', () => {
      const deep = f.recordSession('s-1', '2025-03-07', { techniques: ['deep-tissue'] });
      given(anticoagulated)
        .when(deep)
        .thenRefused('TECHNIQUE_RESTRICTED', /finding-ac/);
      const cleared: CareEpisodeCommand[] = [
        ...anticoagulated,
        { type: 'RequestClearance', at: f.at('2025-03-06', '11:00'), actor: f.therapist, findingId: 'finding-ac' },
        {
          type: 'GrantClearance',
          at: f.at('2025-03-06', '15:00'),
          actor: f.lead,
          findingId: 'finding-ac',
          clearedBy: f.physician,
          clearedOn: '2025-03-06',
        },
      ];
      given(cleared)
        .when(deep)
        .then([{ type: 'SessionRecorded' }]);
    });

    it('refuses massage and manual therapy on the same region the same day', () =>
      given(f.certified())
        .when(
          f.recordSession('s-1', '2025-03-07', {
            lines: [
              { code: '97124', minutes: 15, bodyRegions: ['lower-back'] },
              { code: '97140', minutes: 15, bodyRegions: ['lower-back'] },
            ],
          }),
        )
        .thenRefused('CODE_PAIR_SAME_REGION'));
  });

  it('records whether charges await certification or are delinquent', () => {
    given(f.planned())
      .when(s1)
      .then([{ type: 'SessionRecorded', certificationStanding: 'awaiting-certification' }]);
    given(f.planned())
      .when(f.recordSession('s-1', '2025-04-04'))
      .then([{ type: 'SessionRecorded', certificationStanding: 'awaiting-certification' }]);
    given(f.planned())
      .when(f.recordSession('s-1', '2025-04-05'))
      .then([{ type: 'SessionRecorded', certificationStanding: 'delinquent' }]);
    const verbal = [...f.planned(), f.certify({ kind: 'verbal', certifiedOn: '2025-03-06' })];
    given(verbal)
      .when(f.recordSession('s-1', '2025-03-20'))
      .then([{ type: 'SessionRecorded', certificationStanding: 'certified' }]);
    given(verbal)
      .when(f.recordSession('s-1', '2025-03-21'))
      .then([{ type: 'SessionRecorded', certificationStanding: 'delinquent' }]);
    given([...verbal, { type: 'SignVerbalOrder', at: f.at('2025-03-10'), actor: f.lead, signedOn: '2025-03-10' }])
      .when(f.recordSession('s-1', '2025-03-21'))
      .then([{ type: 'SessionRecorded', certificationStanding: 'certified' }]);
  });

  it('refuses a malformed session with the field named', () =>
    given(f.certified())
      .when(f.recordSession('s-1', '2025-03-07', { lines: [] }))
      .thenRefused('INVALID_COMMAND', /session\.lines/));
});

describe('pausing and resuming a session', () => {
  const recorded = [...f.certified(), s1];

  it('adds the minutes of the continuation on the same day', () => {
    const resumed = given([...recorded, pause('s-1')]).when(
      resume('s-1', [
        { code: '97140', minutes: 15, bodyRegions: ['lower-back'] },
        { code: '97112', minutes: 10, bodyRegions: ['hip-left'] },
      ]),
    );
    resumed.then([{ type: 'SessionResumed', sessionId: 's-1' }]);
    expect(resumed.state().visits[0]).toMatchObject({
      paused: false,
      documentation: {
        lines: [
          { code: '97140', minutes: 45 },
          { code: '97112', minutes: 10 },
        ],
      },
    });
    given(recorded)
      .when(pause('s-1'))
      .then([{ type: 'SessionPaused', reason: 'patient called to radiology' }]);
  });

  it('refuses to pause twice, resume what is not paused, or either on another day', () => {
    given([...recorded, pause('s-1')])
      .when(pause('s-1'))
      .thenRefused('SESSION_NOT_IN_PROGRESS');
    given(recorded).when(resume('s-1')).thenRefused('SESSION_NOT_PAUSED');
    given(recorded)
      .when(pause('s-1', f.at('2025-03-08')))
      .thenRefused('INVALID_SESSION', /paused on the day/);
    given([...recorded, pause('s-1')])
      .when(resume('s-1', undefined, f.at('2025-03-08')))
      .thenRefused('INVALID_SESSION', /resumed on the day/);
  });

  it('checks the continuation like a session', () => {
    given([...recorded, pause('s-1')])
      .when(resume('s-1', [{ code: '97124', minutes: 10, bodyRegions: ['lower-back'] }]))
      .thenRefused('CODE_PAIR_SAME_REGION');
    given([...recorded, pause('s-1')])
      .when(resume('s-1', [], undefined, { techniques: ['manual-lymph-drainage'] }))
      .thenRefused('TECHNIQUE_NOT_IN_PLAN');
    given([...recorded, pause('s-1'), { type: 'PlaceOnHold', at: f.at('2025-03-07', '18:00'), actor: f.lead, reason: 'fall' }])
      .when(resume('s-1'))
      .thenRefused('EPISODE_ON_HOLD');
  });

  it('refuses an unknown or signed session', () => {
    given(recorded).when(pause('s-9')).thenRefused('SESSION_NOT_FOUND');
    given([...recorded, f.signNote('s-1', f.at('2025-03-07', '17:05'))])
      .when(pause('s-1'))
      .thenRefused('NOTE_LOCKED', /addendum/);
  });
});

describe('missed visits', () => {
  it('records a cancellation', () =>
    given(f.certified())
      .when(cancel('c-1', '2025-03-07'))
      .then([{ type: 'SessionCancelled', sessionId: 'c-1', cancelledBy: 'patient', reason: 'sick' }]));

  it('prompts a discharge decision at the third consecutive no-show, not before', () => {
    given([...f.certified(), noShow('n-1', '2025-03-07')])
      .when(noShow('n-2', '2025-03-08'))
      .then([{ type: 'NoShowRecorded', consecutiveNoShows: 2 }]);
    given([...f.certified(), noShow('n-1', '2025-03-07'), cancel('c-1', '2025-03-08'), noShow('n-2', '2025-03-09')])
      .when(noShow('n-3', '2025-03-10'))
      .then([
        { type: 'NoShowRecorded', consecutiveNoShows: 3 },
        { type: 'NoShowDischargePromptRaised', consecutiveNoShows: 3 },
      ]);
  });

  it('starts the count again after an attended session', () =>
    given([...f.certified(), noShow('n-1', '2025-03-07'), noShow('n-2', '2025-03-08'), f.recordSession('s-1', '2025-03-09')])
      .when(noShow('n-3', '2025-03-10'))
      .then([{ type: 'NoShowRecorded', consecutiveNoShows: 1 }]));

  it('refuses a repeated id or a future date', () => {
    given([...f.certified(), s1])
      .when(noShow('s-1', '2025-03-08'))
      .thenRefused('DUPLICATE_ID');
    given(f.certified())
      .when({ ...cancel('c-1', '2025-03-09'), at: f.at('2025-03-08') })
      .thenRefused('INVALID_COMMAND');
  });
});

describe('signing notes and addenda', () => {
  const recorded = [...f.certified(), s1];
  const signed = [...recorded, f.signNote('s-1', f.at('2025-03-07', '18:00'))];

  it('signs once, and never a paused session', () => {
    given(recorded)
      .when(f.signNote('s-1', f.at('2025-03-07', '18:00')))
      .then([{ type: 'NoteSigned', sessionId: 's-1' }]);
    given(signed)
      .when(f.signNote('s-1', f.at('2025-03-07', '19:00')))
      .thenRefused('SESSION_ALREADY_SIGNED');
    given([...recorded, pause('s-1')])
      .when(f.signNote('s-1', f.at('2025-03-07', '18:00')))
      .thenRefused('SESSION_PAUSED');
    given(recorded)
      .when(f.signNote('s-9', f.at('2025-03-07', '18:00')))
      .thenRefused('SESSION_NOT_FOUND');
  });

  it('raises CorrectedClaimRequired when an addendum changes the minutes of a signed (billed) session', () => {
    const corrected = given(signed).when(addendum('s-1', 'a-1', [{ code: '97140', minutes: 38, bodyRegions: ['lower-back'] }]));
    corrected.then([
      { type: 'AddendumAdded', addendumId: 'a-1' },
      { type: 'CorrectedClaimRequired', sessionId: 's-1', addendumId: 'a-1', changedFields: ['minutes'] },
    ]);
    expect(corrected.state().visits[0]).toMatchObject({ originalLines: [{ minutes: 30 }], documentation: { lines: [{ minutes: 38 }] } });
  });

  it('needs no corrected claim for a text-only addendum, an unchanged correction or an unsigned note', () => {
    given(signed)
      .when(addendum('s-1', 'a-1'))
      .then([{ type: 'AddendumAdded' }]);
    given(signed)
      .when(addendum('s-1', 'a-1', [{ code: '97140', minutes: 30, bodyRegions: ['lower-back'] }]))
      .then([{ type: 'AddendumAdded' }]);
    given(recorded)
      .when(addendum('s-1', 'a-1', [{ code: '97140', minutes: 38, bodyRegions: ['lower-back'] }]))
      .then([{ type: 'AddendumAdded' }]);
  });

  it('refuses a repeated addendum id, an unknown session, a code-pair conflict and an episode never started', () => {
    given([...signed, addendum('s-1', 'a-1')])
      .when(addendum('s-1', 'a-1'))
      .thenRefused('DUPLICATE_ID');
    given(signed).when(addendum('s-9', 'a-1')).thenRefused('SESSION_NOT_FOUND');
    given(signed)
      .when(
        addendum('s-1', 'a-1', [
          { code: '97124', minutes: 15, bodyRegions: ['lower-back'] },
          { code: '97140', minutes: 15, bodyRegions: ['lower-back'] },
        ]),
      )
      .thenRefused('CODE_PAIR_SAME_REGION');
    given([]).when(addendum('s-1', 'a-1')).thenRefused('EPISODE_NOT_STARTED');
  });
});
