import { billingCodes, isBillingCode, isTimedCode, isUntimedCode } from './index';

describe('billing codes', () => {
  it('given the catalogue, when classified, then the four treatment codes are timed and the evaluations untimed', () => {
    expect(billingCodes.filter(isTimedCode)).toEqual(['97124', '97140', '97112', '97530']);
    expect(billingCodes.filter(isUntimedCode)).toEqual(['97161', '97162', '97163', '97164']);
  });

  it.each([
    ['97140', true],
    ['97164', true],
    ['97110', false],
    [97140, false],
    [undefined, false],
  ])('given %p, when checked, then billing code is %p', (value, expected) => {
    expect(isBillingCode(value)).toBe(expected);
  });
});
