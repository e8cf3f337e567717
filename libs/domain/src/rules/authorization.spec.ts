import { authorizationRefusal } from './authorization';

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
});
