import * as f from '../../testing/fixtures';
import { given } from '../../testing/given-when-then';
import type { CommandOf } from '../commands';

const flag = (finding: CommandOf<'FlagContraindication'>['finding'], when = f.at('2025-03-08')): CommandOf<'FlagContraindication'> => ({
  type: 'FlagContraindication',
  at: when,
  actor: f.therapist,
  finding,
});
const requestClearance = (findingId: string): CommandOf<'RequestClearance'> => ({
  type: 'RequestClearance',
  at: f.at('2025-03-08', '11:00'),
  actor: f.therapist,
  findingId,
});
const grantClearance = (findingId: string, credential = 'MD'): CommandOf<'GrantClearance'> => ({
  type: 'GrantClearance',
  at: f.at('2025-03-09'),
  actor: f.lead,
  findingId,
  clearedBy: { name: 'Dr. Oncologist', npi: f.validNpi, credential },
  clearedOn: '2025-03-09',
});
const hold: CommandOf<'PlaceOnHold'> = {
  type: 'PlaceOnHold',
  at: f.at('2025-03-08', '12:00'),
  actor: f.lead,
  reason: 'patient in hospital',
};
const resume: CommandOf<'ResumeEpisode'> = { type: 'ResumeEpisode', at: f.at('2025-03-10'), actor: f.lead };
const dvt = { findingId: 'finding-dvt', condition: 'deep-vein-thrombosis' } as const;
const anticoagulant = { findingId: 'finding-ac', condition: 'anticoagulant-therapy' } as const;

describe('intake and screening', () => {
  it('puts the episode on hold for an absolute contraindication and asks the referring physician for clearance', () => {
    const screened = given(f.accepted()).when(f.recordIntake({ findings: [dvt, anticoagulant] }));
    screened.then([
      { type: 'IntakeRecorded' },
      { type: 'ContraindicationFlagged', contraindication: { findingId: 'finding-dvt', severity: 'absolute' } },
      { type: 'ContraindicationFlagged', contraindication: { findingId: 'finding-ac', severity: 'relative' } },
      { type: 'EpisodePutOnHold', reason: 'contraindication' },
      { type: 'ClearanceRequested', findingId: 'finding-dvt', referringProviderNpi: f.validNpi },
    ]);
    expect(screened.state().status).toBe('onhold');
  });

  it('records a finding that lies outside its window as history only', () =>
    given(f.accepted())
      .when(f.recordIntake({ findings: [{ ...dvt, occurredOn: '2025-01-01' }] }))
      .then([{ type: 'IntakeRecorded' }]));

  it('refuses intake before acceptance, twice, or with a site-less fracture', () => {
    given([f.receiveReferral()])
      .when(f.recordIntake())
      .thenRefused('OUT_OF_ORDER', /accepts the referral/);
    given([...f.accepted(), f.recordIntake()])
      .when(f.recordIntake())
      .thenRefused('OUT_OF_ORDER', /already recorded/);
    given(f.accepted())
      .when(f.recordIntake({ findings: [{ findingId: 'x', condition: 'acute-fracture' }] }))
      .thenRefused('INVALID_COMMAND', /body regions/);
    given(f.accepted())
      .when(f.recordIntake({ findings: [dvt, dvt] }))
      .thenRefused('INVALID_COMMAND', /must not repeat a findingId/);
  });
});

describe('flagging a contraindication later in the episode', () => {
  it('holds an active episode for an absolute finding', () =>
    given(f.certified())
      .when(flag({ findingId: 'finding-fever', condition: 'fever-or-acute-infection' }))
      .then([
        { type: 'ContraindicationFlagged' },
        { type: 'EpisodePutOnHold', reason: 'contraindication' },
        { type: 'ClearanceRequested', findingId: 'finding-fever' },
      ]));

  it('does not hold again an episode already on hold', () =>
    given([...f.accepted(), f.recordIntake({ findings: [dvt] })])
      .when(flag({ findingId: 'finding-bleed', condition: 'acute-bleeding' }))
      .then([{ type: 'ContraindicationFlagged' }, { type: 'ClearanceRequested', findingId: 'finding-bleed' }]));

  it('refuses before intake, a repeated finding id, and a finding that is only history', () => {
    given(f.accepted()).when(flag(anticoagulant)).thenRefused('INTAKE_REQUIRED');
    given([...f.accepted(), f.recordIntake({ findings: [anticoagulant] })])
      .when(flag(anticoagulant))
      .thenRefused('DUPLICATE_ID');
    given(f.certified())
      .when(flag({ findingId: 'old-surgery', condition: 'recent-surgery', occurredOn: '2024-12-01', bodyRegions: ['hip-left'] }))
      .thenRefused('INVALID_COMMAND', /history/);
  });
});

describe('clearance', () => {
  const onHold = [...f.accepted(), f.recordIntake({ findings: [dvt, anticoagulant] })];

  it('resumes the episode when the last absolute contraindication is cleared', () => {
    const cleared = given(onHold).when(grantClearance('finding-dvt'));
    cleared.then([{ type: 'ClearanceGranted', findingId: 'finding-dvt', clearedOn: '2025-03-09' }, { type: 'EpisodeResumed' }]);
    expect(cleared.state().status).toBe('active');
  });

  it('stays on hold while another absolute contraindication or a requested hold remains', () => {
    const twoAbsolute = [
      ...f.accepted(),
      f.recordIntake({ findings: [dvt, { findingId: 'finding-hf', condition: 'decompensated-heart-failure' } as const] }),
    ];
    given(twoAbsolute)
      .when(grantClearance('finding-dvt'))
      .then([{ type: 'ClearanceGranted' }]);
    given([...onHold, hold])
      .when(grantClearance('finding-dvt'))
      .then([{ type: 'ClearanceGranted' }]);
  });

  it('lifts a relative restriction once requested and granted', () => {
    given(onHold).when(grantClearance('finding-ac')).thenRefused('CLEARANCE_NOT_REQUESTED');
    given(onHold)
      .when(requestClearance('finding-ac'))
      .then([{ type: 'ClearanceRequested', findingId: 'finding-ac' }]);
    given([...onHold, requestClearance('finding-ac')])
      .when(grantClearance('finding-ac'))
      .then([{ type: 'ClearanceGranted' }]);
  });

  it('refuses an unknown finding, a second clearance, a non-physician and a future date', () => {
    given(onHold).when(requestClearance('nope')).thenRefused('CONTRAINDICATION_NOT_FOUND');
    given([...onHold, grantClearance('finding-dvt')])
      .when(grantClearance('finding-dvt'))
      .thenRefused('INVALID_STATUS_TRANSITION');
    given([...onHold, grantClearance('finding-dvt')])
      .when(requestClearance('finding-dvt'))
      .thenRefused('INVALID_STATUS_TRANSITION');
    given(onHold).when(grantClearance('finding-dvt', 'DC')).thenRefused('CERTIFIER_NOT_QUALIFIED');
    given(onHold)
      .when({ ...grantClearance('finding-dvt'), clearedOn: '2025-03-10' })
      .thenRefused('INVALID_COMMAND', /later than the day/);
    given([f.receiveReferral()]).when(requestClearance('finding-dvt')).thenRefused('OUT_OF_ORDER');
  });
});

describe('hold and resume', () => {
  it('holds and resumes on request', () => {
    given(f.certified())
      .when(hold)
      .then([{ type: 'EpisodePutOnHold', reason: 'requested', note: 'patient in hospital' }]);
    given([...f.certified(), hold])
      .when(resume)
      .then([{ type: 'EpisodeResumed' }]);
  });

  it('refuses a second hold, a resume of an active episode, and a resume before clearance', () => {
    given([...f.certified(), hold])
      .when(hold)
      .thenRefused('INVALID_STATUS_TRANSITION');
    given(f.certified()).when(resume).thenRefused('INVALID_STATUS_TRANSITION');
    given([...f.accepted(), f.recordIntake({ findings: [dvt] })])
      .when(resume)
      .thenRefused('CLEARANCE_REQUIRED');
  });
});
