import fc from 'fast-check';
import {
  certificationDueOn,
  certifiedPeriodEnd,
  certifierRefusal,
  isPastCertifiedPeriod,
  normalizeCredential,
  recertifiedPeriodStart,
  signingPractitionerRefusal,
  verbalOrderSignatureDueOn,
} from './certification';

describe('certification rules', () => {
  it.each(['MD', 'DO', 'NP', 'PA', 'md', 'M.D.', 'MD, PhD', 'D.O.', 'N.P.', 'PA-C', ' pa-c ', 'MD/MPH', 'DC, MD'])(
    'lets an %s certify',
    (credential) => expect(certifierRefusal(credential)).toBeUndefined(),
  );
  it.each(['DC', 'D.C.', 'dc', 'LMT', 'RN', 'PhD', 'MDX', ''])('refuses a "%s" without echoing it', (credential) => {
    const refusal = certifierRefusal(credential);
    expect(refusal).toMatchObject({ code: 'CERTIFIER_NOT_QUALIFIED', details: {} });
    expect(refusal?.message).not.toContain(` ${credential} `);
  });

  it.each([
    ['M.D.', 'MD'],
    ['md', 'MD'],
    ['MD, PhD', 'MD, PHD'],
    ['M.D.,Ph.D.', 'MD, PHD'],
    ['D.O.', 'DO'],
    ['N.P.', 'NP'],
    ['pa-c', 'PA-C'],
    ['D.C.', 'DC'],
  ])('writes %s in its canonical form %s', (typed, canonical) => expect(normalizeCredential(typed)).toBe(canonical));

  it('needs a valid NPI of whoever signs', () => {
    expect(signingPractitionerRefusal({ npi: '1234567893', credential: 'M.D.' })).toBeUndefined();
    expect(signingPractitionerRefusal({ npi: '1234567890', credential: 'MD' })).toMatchObject({
      code: 'INVALID_NPI',
      message: /signing practitioner/,
    });
    expect(signingPractitionerRefusal({ npi: '1234567893', credential: 'D.C.' })?.code).toBe('CERTIFIER_NOT_QUALIFIED');
  });

  it('is timely through day 30 after the first treatment day', () => expect(certificationDueOn('2025-03-05')).toBe('2025-04-04'));
  it('wants a verbal order signed within 14 days', () => expect(verbalOrderSignatureDueOn('2025-03-06')).toBe('2025-03-20'));

  it('caps the certified period at 90 calendar days, the first treatment day being day 1', () => {
    expect(certifiedPeriodEnd('2025-03-05', 8)).toBe('2025-04-29');
    expect(certifiedPeriodEnd('2025-03-05', 20)).toBe('2025-06-02');
  });

  it('counts the last day of the certified period inside it, and the day after past it', () => {
    expect(isPastCertifiedPeriod('2025-04-29', '2025-04-29')).toBe(false);
    expect(isPastCertifiedPeriod('2025-04-29', '2025-04-30')).toBe(true);
    expect(isPastCertifiedPeriod('2025-04-29', '2025-03-05')).toBe(false);
  });

  it('continues a recertified period the day after, or from the signature after a gap or a material change', () => {
    expect(recertifiedPeriodStart('2025-04-29', '2025-04-20', false)).toBe('2025-04-30');
    expect(recertifiedPeriodStart('2025-04-29', '2025-05-03', false)).toBe('2025-05-03');
    expect(recertifiedPeriodStart('2025-04-29', '2025-04-20', true)).toBe('2025-04-20');
  });
});

describe('credential canonical form (property)', () => {
  it('is unchanged by a second normalization and decides qualification the same way', () =>
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (typed) => {
        const canonical = normalizeCredential(typed);
        expect(normalizeCredential(canonical)).toBe(canonical);
        expect(certifierRefusal(canonical)?.code).toBe(certifierRefusal(typed)?.code);
      }),
    ));
});
