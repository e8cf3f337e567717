import { episodeIdForReferral } from './care-episodes';

describe('episodeIdForReferral', () => {
  it('given the same referral id twice, then the same episode id', () => {
    expect(episodeIdForReferral('referral-42')).toBe(episodeIdForReferral('referral-42'));
  });

  it('given different referral ids, then different episode ids', () => {
    expect(episodeIdForReferral('referral-42')).not.toBe(episodeIdForReferral('referral-43'));
  });

  it('is a version 5 UUID that does not contain the referral id', () => {
    const id = episodeIdForReferral('referral-42');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(id).not.toContain('referral');
  });
});
