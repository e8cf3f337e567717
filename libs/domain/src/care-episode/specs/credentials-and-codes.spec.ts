import * as f from '../../testing/fixtures';
import type { CareEpisodeCommand } from '../commands';
import { given } from '../../testing/given-when-then';

const certifiedBy = (credential: string) => f.certify({ certifier: { ...f.physician, credential } });

describe('certifier credentials as written on the signature', () => {
  it.each([
    ['M.D.', 'MD'],
    ['MD, PhD', 'MD, PHD'],
    ['md', 'MD'],
    ['D.O.', 'DO'],
    ['N.P.', 'NP'],
    ['PA-C', 'PA-C'],
  ])('accepts a certification signed %s and keeps it as %s', (credential, canonical) =>
    given(f.planned())
      .when(certifiedBy(credential))
      .then([{ type: 'PlanOfCareCertified', certifier: { credential: canonical } }]),
  );

  it.each(['DC', 'D.C.', 'd.c.'])('still refuses a chiropractor signing %s', (credential) =>
    given(f.planned())
      .when(certifiedBy(credential))
      .thenRefused('CERTIFIER_NOT_QUALIFIED', /MD, DO, NP or PA/),
  );

  it('refuses a certifier whose NPI is not valid', () =>
    given(f.planned())
      .when(f.certify({ certifier: { ...f.physician, npi: '1234567890' } }))
      .thenRefused('INVALID_NPI', /signing practitioner/));

  it('keeps the canonical credential of a verbal order and of a recertification', () => {
    given(f.planned())
      .when(f.certify({ kind: 'verbal', certifier: { ...f.physician, credential: 'n.p.' } }))
      .then([{ type: 'VerbalOrderReceived', certifier: { credential: 'NP' } }]);
    given(f.certified())
      .when({
        type: 'RecertifyPlanOfCare',
        at: f.at('2025-04-25'),
        actor: f.lead,
        certifier: { ...f.physician, credential: 'D.O.' },
        signedOn: '2025-04-25',
      })
      .then([{ type: 'PlanOfCareRecertified', certifier: { credential: 'DO' } }]);
  });

  it('keeps the canonical credential of a clearance', () => {
    const flagged: CareEpisodeCommand[] = [
      ...f.accepted(),
      f.recordIntake({ findings: [{ findingId: 'finding-1', condition: 'anticoagulant-therapy' }] }),
      { type: 'RequestClearance', at: f.at('2025-03-04', '11:00'), actor: f.therapist, findingId: 'finding-1' },
    ];
    given(flagged)
      .when({
        type: 'GrantClearance',
        at: f.at('2025-03-04', '12:00'),
        actor: f.lead,
        findingId: 'finding-1',
        clearedBy: { ...f.physician, credential: 'M.D.' },
        clearedOn: '2025-03-04',
      })
      .then([{ type: 'ClearanceGranted', clearedBy: { credential: 'MD' } }]);
  });
});

describe('diagnosis codes as typed on the order', () => {
  it('accepts lower-case and undotted ICD-10-CM codes and keeps each once in canonical form', () =>
    given([])
      .when(
        f.receiveReferral({
          referral: f.referral({
            diagnosisCodes: ['m5450', 'M54.50', 'g5600'],
            referringProvider: { name: 'Dr. R', npi: f.validNpi, credential: 'm.d.' },
          }),
        }),
      )
      .then([{ type: 'ReferralReceived', referral: { diagnosisCodes: ['M54.50', 'G56.00'], referringProvider: { credential: 'MD' } } }]));

  it.each(['M5.450', 'M54.', '5450'])('still refuses the impossible code %s', (code) =>
    given([])
      .when(f.receiveReferral({ referral: f.referral({ diagnosisCodes: [code] }) }))
      .thenRefused('INVALID_DIAGNOSIS_CODE'),
  );
});
