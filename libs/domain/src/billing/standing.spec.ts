import { dayCertificationStanding, standingAfterCertification } from './index';

describe("the certification standing a day's charges carry", () => {
  it('given a visit awaiting certification, when the plan is certified in time, then it is certified', () => {
    expect(standingAfterCertification('awaiting-certification', true)).toBe('certified');
  });

  it('given a visit awaiting certification, when the plan is certified late, then it still awaits (the episode records it delinquent)', () => {
    expect(standingAfterCertification('awaiting-certification', false)).toBe('awaiting-certification');
  });

  it.each(['certified', 'delinquent'] as const)('given a %s visit, when the plan is certified, then its standing stays', (standing) => {
    expect(standingAfterCertification(standing, true)).toBe(standing);
    expect(standingAfterCertification(standing, false)).toBe(standing);
  });

  it.each([
    [['certified', 'certified'], 'certified'],
    [['certified', 'delinquent'], 'delinquent'],
    [['delinquent', 'awaiting-certification'], 'awaiting-certification'],
    [['certified', 'awaiting-certification'], 'awaiting-certification'],
    [[], 'certified'],
  ] as const)('given visits %j on one day, then the day is %s', (standings, expected) => {
    expect(dayCertificationStanding(standings)).toBe(expected);
  });
});
