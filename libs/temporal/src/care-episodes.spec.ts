import { episodeIdForReferral } from './care-episodes';

describe('episodeIdForReferral', () => {
  it('given the same department and referral id twice, then the same episode id', () => {
    expect(episodeIdForReferral('D1', 'referral-42')).toBe(episodeIdForReferral('D1', 'referral-42'));
  });

  it('given different referral ids, then different episode ids', () => {
    expect(episodeIdForReferral('D1', 'referral-42')).not.toBe(episodeIdForReferral('D1', 'referral-43'));
  });

  it('given two departments reusing a referral id, then two episodes', () => {
    expect(episodeIdForReferral('D1', 'referral-42')).not.toBe(episodeIdForReferral('D2', 'referral-42'));
    expect(episodeIdForReferral('D1', '2-r')).not.toBe(episodeIdForReferral('D1-2', 'r'));
  });

  it('is a version 5 UUID that contains neither id', () => {
    const id = episodeIdForReferral('D1', 'referral-42');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(id).not.toContain('referral');
  });
});
