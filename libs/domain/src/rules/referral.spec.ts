import fc from 'fast-check';
import { defaultDepartmentSettings } from '../settings';
import {
  diagnosisCodesRefusal,
  isIcd10CmShape,
  isValidNpi,
  normalizeIcd10Cm,
  referralAgeRefusal,
  referralDateRefusal,
  referralRefusal,
} from './referral';

const settings = defaultDepartmentSettings;

describe('NPI check digit (Luhn over 80840 + the number)', () => {
  it.each(['1234567893', '1245319599', '1003000126'])('accepts %s', (npi) => expect(isValidNpi(npi)).toBe(true));
  it.each([
    ['a wrong check digit', '1234567890'],
    ['9 digits', '123456789'],
    ['11 digits', '12345678931'],
    ['letters', '12345678a3'],
  ])('refuses %s', (_, npi) => expect(isValidNpi(npi)).toBe(false));
});

describe('ICD-10-CM code shape', () => {
  it.each(['M54.50', 'M79.7', 'G56.00', 'S33.5XXA', 'C50'])('accepts %s', (code) => expect(isIcd10CmShape(code)).toBe(true));
  it.each(['M5', 'M545', 'M54.', 'M54.12345', '054.5', 'm54.50', 'M54-50', 'MM4.5'])('refuses %s', (code) =>
    expect(isIcd10CmShape(code)).toBe(false),
  );

  it('names the offending code', () => {
    const refusal = diagnosisCodesRefusal(['M54.50', 'XYZ']);
    expect(refusal).toMatchObject({ code: 'INVALID_DIAGNOSIS_CODE', details: { code: 'XYZ' } });
    expect(refusal?.message).toContain('"XYZ"');
  });

  it.each([
    ['m5450', 'M54.50'],
    ['m54.50', 'M54.50'],
    [' M545 ', 'M54.5'],
    ['s335xxa', 'S33.5XXA'],
    ['c50', 'C50'],
    ['M54.50', 'M54.50'],
  ])('writes %s in its canonical form %s', (typed, canonical) => expect(normalizeIcd10Cm(typed)).toBe(canonical));

  it('accepts codes typed in lower case or without the dot', () =>
    expect(diagnosisCodesRefusal(['m5450', 'g56.00', 'M797'])).toBeUndefined());

  it.each(['M5.450', 'M54.', 'M54123456', '05450', 'MM450', 'M54-50'])('still refuses the impossible code %s', (code) =>
    expect(diagnosisCodesRefusal([code])?.code).toBe('INVALID_DIAGNOSIS_CODE'),
  );

  it('needs at least one code', () => expect(diagnosisCodesRefusal([])?.code).toBe('INVALID_DIAGNOSIS_CODE'));
});

describe('referral dates', () => {
  it('accepts a referral dated today and refuses one dated tomorrow', () => {
    expect(referralDateRefusal('2025-03-03', '2025-03-03')).toBeUndefined();
    expect(referralDateRefusal('2025-03-04', '2025-03-03')?.code).toBe('REFERRAL_DATE_IN_FUTURE');
  });

  it('accepts an order 90 days old and refuses one 91 days old (setting)', () => {
    expect(referralAgeRefusal('2025-01-01', '2025-04-01', settings)).toBeUndefined();
    expect(referralAgeRefusal('2025-01-01', '2025-04-02', settings)).toMatchObject({ code: 'REFERRAL_EXPIRED' });
    expect(referralAgeRefusal('2025-01-01', '2025-04-02', { ...settings, referralValidityDays: 120 })).toBeUndefined();
  });

  it('checks NPI, then codes, then dates', () => {
    const order = { referringProviderNpi: '1234567893', diagnosisCodes: ['M54.50'], referralDate: '2025-03-01' };
    expect(referralRefusal(order, '2025-03-03', settings)).toBeUndefined();
    expect(referralRefusal({ ...order, referringProviderNpi: '1234567890' }, '2025-03-03', settings)?.code).toBe('INVALID_NPI');
  });
});

describe('ICD-10-CM canonical form (property)', () => {
  const code = fc.stringMatching(/^[A-Za-z]\d[0-9A-Za-z](?:\.?[0-9A-Za-z]{1,4})?$/);

  it('is unchanged by a second normalization and always has the checked shape for a well-formed code typed any way', () =>
    fc.assert(
      fc.property(code, (typed) => {
        const canonical = normalizeIcd10Cm(typed);
        expect(normalizeIcd10Cm(canonical)).toBe(canonical);
        expect(isIcd10CmShape(canonical)).toBe(true);
      }),
    ));
});
