import { defaultDepartmentSettings } from '../../settings';
import * as f from '../../testing/fixtures';
import { given, malformed } from '../../testing/given-when-then';
import type { CommandOf } from '../commands';
import { dueDates } from '../due-dates';

describe('receiving a referral', () => {
  it('refuses an NPI with a wrong check digit', () =>
    given([])
      .when(f.receiveReferral({ referral: f.referral({ referringProvider: { name: 'Dr. X', npi: '1234567890', credential: 'MD' } }) }))
      .thenRefused('INVALID_NPI', /check digit/));

  it('refuses an unknown diagnosis code shape, naming it', () =>
    given([])
      .when(f.receiveReferral({ referral: f.referral({ diagnosisCodes: ['M54.50', 'LBP'] }) }))
      .thenRefused('INVALID_DIAGNOSIS_CODE', /"LBP"/));

  it('refuses a referral dated after the day it arrives', () =>
    given([])
      .when(f.receiveReferral({ referral: f.referral({ referralDate: '2025-03-04' }) }))
      .thenRefused('REFERRAL_DATE_IN_FUTURE'));

  it('accepts an order 90 days old and refuses one 91 days old', () => {
    given([])
      .when(f.receiveReferral({ referral: f.referral({ referralDate: '2024-12-03' }) }))
      .then([{ type: 'ReferralReceived' }]);
    given([])
      .when(f.receiveReferral({ referral: f.referral({ referralDate: '2024-12-02' }) }))
      .thenRefused('REFERRAL_EXPIRED', /renewal/);
  });

  it('refuses a referral missing a required field with INVALID_REFERRAL', () => {
    const { payer: _payer, ...withoutPayer } = f.referral();
    given([])
      .when(malformed({ ...f.receiveReferral(), referral: withoutPayer }))
      .thenRefused('INVALID_REFERRAL', /referral\.payer/);
  });

  it('is idempotent for the same referral id and refuses another referral', () => {
    given([f.receiveReferral()]).when(f.receiveReferral()).then([]);
    given([f.receiveReferral()])
      .when(f.receiveReferral({ referral: f.referral({ referralId: 'referral-2' }) }))
      .thenRefused('EPISODE_ALREADY_STARTED');
  });
});

describe('routing and offers', () => {
  it('escalates at once when no therapist is eligible, recording why each was excluded', () => {
    const routed = given([f.receiveReferral()]).when(
      f.routeReferral({ therapists: [f.therapistProfile('t-9', { licenses: [{ state: 'VA', number: 'x', expiresOn: '2030-01-01' }] })] }),
    );
    routed.then([
      {
        type: 'ReferralRouted',
        decision: { ranked: [], excluded: [{ therapistId: 't-9', exclusions: [{ rule: 'no-license-in-state' }] }] },
      },
      { type: 'RoutingEscalated', reason: 'no-eligible-therapist' },
    ]);
    expect(routed.state().routing?.escalated).toBe(true);
  });

  it('excludes a therapist whose license expires the day before the expected plan end, not one expiring on it', () => {
    const expiring = (therapistId: string, expiresOn: string) =>
      f.therapistProfile(therapistId, { licenses: [{ state: 'MD', number: 'n', expiresOn }] });
    given([f.receiveReferral()])
      .when(f.routeReferral({ expectedPlanEnd: '2025-05-31', therapists: [expiring('t-a', '2025-05-30'), expiring('t-b', '2025-05-31')] }))
      .then([
        {
          type: 'ReferralRouted',
          decision: { excluded: [{ therapistId: 't-a', exclusions: [{ rule: 'license-expires-before-plan-end' }] }] },
        },
        { type: 'TherapistOffered', therapistId: 't-b' },
      ]);
  });

  it('assumes the longest certified period as the expected plan end', () => {
    const result = given([f.receiveReferral()]).when(f.routeReferral()).result;
    expect(result).toMatchObject([{ request: { expectedPlanEnd: '2025-05-31', patientState: 'MD' } }, {}]);
  });

  it('offers the next candidate after a decline and escalates after the third', () => {
    given([f.receiveReferral(), f.routeReferral()])
      .when(f.declineOffer('t-1', { reason: 'caseload' }))
      .then([
        { type: 'OfferDeclined', therapistId: 't-1', reason: 'caseload' },
        { type: 'TherapistOffered', therapistId: 't-2' },
      ]);
    given([f.receiveReferral(), f.routeReferral(), f.declineOffer('t-1'), f.declineOffer('t-2')])
      .when(f.declineOffer('t-3'))
      .then([{ type: 'OfferDeclined' }, { type: 'RoutingEscalated', reason: 'offer-limit-reached' }]);
  });

  it('escalates when every eligible candidate has declined', () =>
    given([f.receiveReferral(), f.routeReferral({ therapists: [f.therapistProfile('t-1')] })])
      .when(f.declineOffer('t-1'))
      .then([{ type: 'OfferDeclined' }, { type: 'RoutingEscalated', reason: 'candidates-exhausted' }]));

  it('lets an offer lapse after 24 hours and moves to the next candidate', () => {
    const history = [f.receiveReferral(), f.routeReferral()];
    expect(dueDates(given(history).history.state, defaultDepartmentSettings)).toEqual([
      { kind: 'offer-expiry', dueAt: '2025-03-04T10:00:00.000Z', therapistId: 't-1' },
    ]);
    given(history).when(f.markDeadline('offer-expiry', '2025-03-04T09:59:59.000Z')).thenRefused('DEADLINE_NOT_REACHED');
    given(history)
      .when(f.markDeadline('offer-expiry', '2025-03-04T10:00:00.000Z'))
      .then([
        { type: 'OfferExpired', therapistId: 't-1' },
        { type: 'TherapistOffered', therapistId: 't-2' },
      ]);
    given(history)
      .when(f.acceptOffer({ at: '2025-03-04T10:00:01.000Z' }))
      .thenRefused('OFFER_NOT_PENDING', /lapsed/);
  });

  it('refuses an answer from a therapist without the offer, or with no offer open', () => {
    given([f.receiveReferral(), f.routeReferral()])
      .when(f.acceptOffer({ therapistId: 't-2' }))
      .thenRefused('NOT_OFFERED_THERAPIST');
    given([f.receiveReferral()]).when(f.acceptOffer()).thenRefused('OFFER_NOT_PENDING');
    given(f.accepted()).when(f.declineOffer('t-1')).thenRefused('OUT_OF_ORDER');
    given([]).when(f.acceptOffer()).thenRefused('EPISODE_NOT_STARTED');
  });

  it('lets the lead offer to a therapist of their choice after an escalation, and re-route', () => {
    const escalated = [f.receiveReferral(), f.routeReferral({ therapists: [] })];
    given(escalated)
      .when({ type: 'OfferToTherapist', at: f.at('2025-03-03', '11:00'), actor: f.lead, therapistId: 't-7' })
      .then([{ type: 'TherapistOffered', therapistId: 't-7', byLead: true, expiresAt: '2025-03-04T11:00:00.000Z' }]);
    given(escalated)
      .when(f.routeReferral())
      .then([{ type: 'ReferralRouted' }, { type: 'TherapistOffered', therapistId: 't-1' }]);
  });

  it('refuses a manual offer before routing or while an offer waits, and re-routing while routed', () => {
    const offer: CommandOf<'OfferToTherapist'> = {
      type: 'OfferToTherapist',
      at: f.at('2025-03-03', '11:00'),
      actor: f.lead,
      therapistId: 't-7',
    };
    given([f.receiveReferral()])
      .when(offer)
      .thenRefused('OUT_OF_ORDER', /Route the referral/);
    given([f.receiveReferral(), f.routeReferral()])
      .when(offer)
      .thenRefused('OUT_OF_ORDER', /already waiting/);
    given([f.receiveReferral(), f.routeReferral()])
      .when(f.routeReferral())
      .thenRefused('OUT_OF_ORDER', /waiting for an answer/);
    given([f.receiveReferral(), f.routeReferral(), f.declineOffer('t-1'), f.declineOffer('t-2'), f.declineOffer('t-3')])
      .when(f.routeReferral())
      .then([{ type: 'ReferralRouted' }, { type: 'TherapistOffered' }]);
    given([f.receiveReferral(), f.routeReferral({ therapists: [] }), offer, f.declineOffer('t-7')])
      .when(f.routeReferral())
      .then([{ type: 'ReferralRouted' }, { type: 'TherapistOffered' }]);
  });

  it('refuses routing again once the referral is routed and not escalated', () => {
    const routedOnce = [f.receiveReferral(), f.routeReferral({ therapists: [f.therapistProfile('t-1'), f.therapistProfile('t-2')] })];
    const offer7: CommandOf<'OfferToTherapist'> = {
      type: 'OfferToTherapist',
      at: f.at('2025-03-03', '12:00'),
      actor: f.lead,
      therapistId: 't-7',
    };
    // t-1 declines → t-2 offered; a lead's offer can only come once nothing is pending.
    given([...routedOnce, f.declineOffer('t-1')])
      .when(offer7)
      .thenRefused('OUT_OF_ORDER');
    given([...routedOnce, f.declineOffer('t-1'), f.declineOffer('t-2')])
      .when(f.routeReferral())
      .then([{ type: 'ReferralRouted' }, { type: 'TherapistOffered' }]);
  });

  it('escalates on request and declines a referral with a notice to the referring provider', () => {
    given([f.receiveReferral(), f.routeReferral()])
      .when({ type: 'EscalateReferral', at: f.at('2025-03-03', '11:00'), actor: f.therapist, reason: 'needs a lymphedema specialist' })
      .then([{ type: 'RoutingEscalated', reason: 'requested', note: 'needs a lymphedema specialist' }]);
    given([f.receiveReferral()])
      .when({ type: 'EscalateReferral', at: f.at('2025-03-03', '11:00'), actor: f.therapist, reason: 'unclear order' })
      .then([{ type: 'RoutingEscalated' }]);
    const declined = given([f.receiveReferral()]).when({
      type: 'DeclineReferral',
      at: f.at('2025-03-03', '11:00'),
      actor: f.lead,
      reason: 'service not offered',
    });
    declined.then([{ type: 'ReferralDeclined' }, { type: 'ReferringProviderNoticeIssued', notice: 'referral-declined' }]);
    expect(declined.state().status).toBe('cancelled');
    given(f.accepted())
      .when({ type: 'DeclineReferral', at: f.at('2025-03-03', '13:00'), actor: f.lead, reason: 'late' })
      .thenRefused('OUT_OF_ORDER');
  });
});
