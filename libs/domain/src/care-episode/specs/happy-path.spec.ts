import { dueDates } from '../due-dates';
import { careEpisodeEventTypes } from '../events';
import { defaultDepartmentSettings } from '../../settings';
import { given } from '../../testing/given-when-then';
import * as f from '../../testing/fixtures';

describe('an episode from referral to discharge', () => {
  it('goes planned → waitlist → active → finished and closes the loop with the referring provider', () => {
    const received = given([]).when(f.receiveReferral());
    received.then([{ type: 'ReferralReceived', episodeId: 'episode-1', validThrough: '2025-05-30' }]);
    expect(received.state().status).toBe('planned');

    const routed = given([f.receiveReferral()]).when(f.routeReferral());
    routed.then([
      { type: 'ReferralRouted' },
      { type: 'TherapistOffered', therapistId: 't-1', expiresAt: '2025-03-04T10:00:00.000Z', byLead: false },
    ]);
    expect(routed.state().status).toBe('waitlist');

    const active = given([f.receiveReferral(), f.routeReferral()]).when(f.acceptOffer());
    active.then([
      { type: 'OfferAccepted', therapistId: 't-1' },
      { type: 'ReferringProviderNoticeIssued', notice: 'referral-accepted', referralId: 'referral-1', referringProviderNpi: f.validNpi },
    ]);
    expect(active.state()).toMatchObject({ status: 'active', therapistId: 't-1' });

    given(f.accepted())
      .when(f.recordIntake())
      .then([{ type: 'IntakeRecorded' }]);
    given([...f.accepted(), f.recordIntake()])
      .when(f.recordAssessment())
      .then([{ type: 'AssessmentRecorded' }]);
    given([...f.accepted(), f.recordIntake(), f.recordAssessment()])
      .when(f.establishPlan())
      .then([{ type: 'PlanOfCareEstablished', version: 1, periodStart: '2025-03-05', periodEnd: '2025-04-29' }]);
    given(f.planned())
      .when(f.certify())
      .then([{ type: 'PlanOfCareCertified', signedOn: '2025-03-06', timely: true }]);

    const treated = given(f.certified()).when(f.recordSession('s-1', '2025-03-07'));
    treated.then([
      {
        type: 'SessionRecorded',
        sessionId: 's-1',
        visitNumber: 1,
        newTreatmentDay: true,
        treatmentDaysInPeriod: 2,
        certificationStanding: 'certified',
      },
    ]);
    expect(treated.state().treatmentDays).toEqual(['2025-03-05', '2025-03-07']);

    const history = [...f.certified(), f.recordSession('s-1', '2025-03-07'), f.signNote('s-1', f.at('2025-03-07', '18:00'))];
    const finished = given(history).when({
      type: 'DischargeEpisode',
      at: f.at('2025-03-10'),
      actor: f.therapist,
      dischargedOn: '2025-03-10',
      reason: 'goals-met',
      measures: [
        { measure: 'NPRS', value: 2 },
        { measure: 'ODI', value: 18 },
      ],
    });
    finished.then([
      {
        type: 'EpisodeDischarged',
        reason: 'goals-met',
        summary: {
          sessionsDelivered: 1,
          noShows: 0,
          cancellations: 0,
          measures: [
            { measure: 'NPRS', baseline: 7, atDischarge: 2, improvement: 5, clinicallyImportant: true },
            { measure: 'ODI', baseline: 40, atDischarge: 18, improvement: 22, clinicallyImportant: true },
          ],
          goals: [
            { goalId: 'goal-pain', status: 'achieved' },
            { goalId: 'goal-function', status: 'achieved' },
          ],
        },
      },
      { type: 'ReferringProviderNoticeIssued', notice: 'discharge-summary' },
    ]);
    expect(finished.state().status).toBe('finished');
    expect(dueDates(finished.state(), defaultDepartmentSettings)).toEqual([]);
  });

  it('lists every event type it can produce', () => {
    const events = given([]).when(f.receiveReferral()).result;
    expect(careEpisodeEventTypes).toContain((events as ReadonlyArray<{ type: string }>)[0]?.type);
    expect(new Set(careEpisodeEventTypes).size).toBe(careEpisodeEventTypes.length);
  });
});
