import { authorizationRefusal, isBeyondAuthorization } from './authorization';

describe('authorization limits', () => {
  const input = { authorizedVisitsUsed: 11, sessionDate: '2025-04-30', selfPay: false };

  it('allows the last authorized visit and refuses the next unless self-pay', () => {
    expect(authorizationRefusal({ visits: 12 }, input)).toBeUndefined();
    expect(authorizationRefusal({ visits: 12 }, { ...input, authorizedVisitsUsed: 12 })?.code).toBe('AUTHORIZATION_EXHAUSTED');
    expect(authorizationRefusal({ visits: 12 }, { ...input, authorizedVisitsUsed: 12, selfPay: true })).toBeUndefined();
  });

  it('allows the end date and refuses the day after unless self-pay', () => {
    expect(authorizationRefusal({ endDate: '2025-04-30' }, input)).toBeUndefined();
    expect(authorizationRefusal({ endDate: '2025-04-29' }, input)?.code).toBe('AUTHORIZATION_EXPIRED');
    expect(authorizationRefusal({ endDate: '2025-04-29' }, { ...input, selfPay: true })).toBeUndefined();
  });

  it('does not limit an episode without an authorization', () => expect(authorizationRefusal(undefined, input)).toBeUndefined());

  it('flags for the compliance views the sessions past the visits or the end date, never a self-pay one', () => {
    expect(isBeyondAuthorization({ visits: 12, endDate: '2025-04-30' }, input)).toBe(false);
    expect(isBeyondAuthorization({ visits: 12 }, { ...input, authorizedVisitsUsed: 12 })).toBe(true);
    expect(isBeyondAuthorization({ endDate: '2025-04-29' }, input)).toBe(true);
    expect(isBeyondAuthorization({ endDate: '2025-04-29' }, { ...input, selfPay: true })).toBe(false);
    expect(isBeyondAuthorization({}, input)).toBe(false);
  });
});
