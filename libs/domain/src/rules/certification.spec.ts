import {
  certificationDueOn,
  certifiedPeriodEnd,
  certifierRefusal,
  recertifiedPeriodStart,
  verbalOrderSignatureDueOn,
} from './certification';

describe('certification rules', () => {
  it.each(['MD', 'DO', 'NP', 'PA', 'md'])('lets an %s certify', (credential) => expect(certifierRefusal(credential)).toBeUndefined());
  it.each(['DC', 'LMT', 'RN'])('refuses a %s', (credential) =>
    expect(certifierRefusal(credential)).toMatchObject({ code: 'CERTIFIER_NOT_QUALIFIED', details: { credential } }),
  );

  it('is timely through day 30 after the first treatment day', () => expect(certificationDueOn('2025-03-05')).toBe('2025-04-04'));
  it('wants a verbal order signed within 14 days', () => expect(verbalOrderSignatureDueOn('2025-03-06')).toBe('2025-03-20'));

  it('caps the certified period at 90 calendar days, the first treatment day being day 1', () => {
    expect(certifiedPeriodEnd('2025-03-05', 8)).toBe('2025-04-29');
    expect(certifiedPeriodEnd('2025-03-05', 20)).toBe('2025-06-02');
  });

  it('continues a recertified period the day after, or from the signature after a gap or a material change', () => {
    expect(recertifiedPeriodStart('2025-04-29', '2025-04-20', false)).toBe('2025-04-30');
    expect(recertifiedPeriodStart('2025-04-29', '2025-05-03', false)).toBe('2025-05-03');
    expect(recertifiedPeriodStart('2025-04-29', '2025-04-20', true)).toBe('2025-04-20');
  });
});
