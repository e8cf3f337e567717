import * as f from '@careflow/domain/testing';
import { decidedEpisode, integrationEvent } from '../testing/episode-events';
import { episodeOperations, evolveEpisodeOperations, type EpisodeOperationsRow } from './operations';
import type { EpisodeEvent } from './read-model';

const fold = (events: readonly EpisodeEvent[], from: EpisodeOperationsRow | null = null): EpisodeOperationsRow | null =>
  events.reduce<EpisodeOperationsRow | null>((row, event) => evolveEpisodeOperations(row, event), from);

describe('episode operations', () => {
  const treated = fold(decidedEpisode('episode-1', [...f.certified(), ...f.dailySessions(3)])) as EpisodeOperationsRow;

  it('given a referral seen first at its assessment, when folded, then the days to the first visit and the visits are counted', () => {
    expect(treated).toEqual({
      episode_id: 'episode-1',
      department_id: null,
      referral_date: f.referral().referralDate,
      first_visit_on: '2025-03-05',
      referral_to_first_visit_days: expect.any(Number),
      offers_made: 1,
      offers_declined: 0,
      offers_expired: 0,
      escalations: 0,
      visits_delivered: 3,
      no_shows: 0,
      cancellations_by_patient: 0,
      cancellations_by_clinic: 0,
      discharge_reason: null,
      discharged_on: null,
      cancelled_on: null,
    });
  });

  it('given a referral dated 2025-03-01 first seen on 2025-03-05, when folded, then the wait is 4 days', () => {
    const referral = integrationEvent('episode-2', 'ReferralReceived', '2025-03-01T09:00:00Z', {
      referralId: 'referral-2',
      diagnosisCodes: ['M54.50'],
      referralDate: '2025-03-01',
      validThrough: '2025-05-30',
      referringProviderNpi: '1234567893',
      payerId: 'payer-1',
    });
    const assessment = integrationEvent('episode-2', 'AssessmentRecorded', '2025-03-05T10:00:00Z', {
      assessedOn: '2025-03-05',
      painRegions: [],
      measures: [{ measure: 'NPRS', value: 6 }],
    });
    expect(fold([referral, assessment])).toMatchObject({ first_visit_on: '2025-03-05', referral_to_first_visit_days: 4 });
  });

  it('given offers declined and expired and an escalation, when folded, then each is counted', () => {
    const at = '2025-03-02T10:00:00Z';
    const row = fold(
      [
        integrationEvent('episode-1', 'TherapistOffered', at, { therapistId: 't-2', expiresAt: at, byLead: false }),
        integrationEvent('episode-1', 'OfferDeclined', at, { therapistId: 't-2' }),
        integrationEvent('episode-1', 'TherapistOffered', at, { therapistId: 't-3', expiresAt: at, byLead: false }),
        integrationEvent('episode-1', 'OfferExpired', at, { therapistId: 't-3' }),
        integrationEvent('episode-1', 'RoutingEscalated', at, { reason: 'offer-limit-reached' }),
      ],
      treated,
    );
    expect(row).toMatchObject({ offers_made: 3, offers_declined: 1, offers_expired: 1, escalations: 1 });
  });

  it('given no-shows and cancellations, when folded, then they are counted by who missed the visit', () => {
    const at = '2025-03-12T10:00:00Z';
    const row = fold(
      [
        integrationEvent('episode-1', 'NoShowRecorded', at, { sessionId: 's-9', date: '2025-03-12', consecutiveNoShows: 1 }),
        integrationEvent('episode-1', 'NoShowRecorded', at, { sessionId: 's-10', date: '2025-03-13', consecutiveNoShows: 2 }),
        integrationEvent('episode-1', 'SessionCancelled', at, { sessionId: 's-11', date: '2025-03-14', cancelledBy: 'patient' }),
        integrationEvent('episode-1', 'SessionCancelled', at, { sessionId: 's-12', date: '2025-03-15', cancelledBy: 'clinic' }),
      ],
      treated,
    );
    expect(row).toMatchObject({ no_shows: 2, cancellations_by_patient: 1, cancellations_by_clinic: 1 });
  });

  it('given a discharge, when folded, then its reason and day are kept', () => {
    const row = fold(
      decidedEpisode('episode-1', [
        ...f.certified(),
        ...f.dailySessions(3),
        ...['s-1', 's-2', 's-3'].map((sessionId) => f.signNote(sessionId, f.at('2025-03-10', '20:00'))),
        f.discharge('2025-03-20'),
      ]),
    );
    expect(row).toMatchObject({ discharge_reason: 'goals-met', discharged_on: '2025-03-20', visits_delivered: 3 });
  });

  it('given a declined referral, when folded, then the day it closed is kept', () => {
    const declined = fold([integrationEvent('episode-1', 'ReferralDeclined', '2025-03-04T10:00:00Z', {})], treated);
    expect(declined).toMatchObject({ cancelled_on: '2025-03-04' });
  });

  it('given an event operations do not count, when folded, then the row is the same row (nothing to write)', () => {
    const signed = integrationEvent('episode-1', 'NoteSigned', '2025-03-12T10:00:00Z', { sessionId: 's-1' });
    expect(evolveEpisodeOperations(treated, signed)).toBe(treated);
  });

  it('lists exactly the columns of its row', () => {
    expect([...episodeOperations.columns].sort()).toEqual(Object.keys(treated).sort());
  });
});
