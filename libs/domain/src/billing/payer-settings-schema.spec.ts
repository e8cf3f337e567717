import { commercialPayerSettings, defaultPayerSettings, medicareLikePayerSettings } from './payers';
import { payerSettingsProblem } from './payer-settings-schema';

describe('payerSettingsProblem', () => {
  it.each([
    ['default', defaultPayerSettings],
    ['Medicare-like', medicareLikePayerSettings],
    ['commercial', commercialPayerSettings],
  ])('given the %s settings, then no problem', (_, settings) => {
    expect(payerSettingsProblem(settings)).toBeUndefined();
  });

  it.each([
    [{ ...commercialPayerSettings, unitRule: 'nearest-unit' }, /^settings\.unitRule must be one of/],
    [{ ...commercialPayerSettings, feeScheduleCents: { '97124': 12.5 } }, /^settings\.feeScheduleCents\.97124 must be a whole number/],
    [{ ...commercialPayerSettings, feeScheduleCents: { '99999': 100 } }, /^settings\.feeScheduleCents/],
    [{ ...commercialPayerSettings, billableCodesByProviderType: { nurse: ['97124'] } }, /^settings\.billableCodesByProviderType/],
    [
      { ...defaultPayerSettings, therapyThresholds: { kxThresholdCentsByYear: { soon: 1 }, medicalReviewThresholdCents: 1 } },
      /calendar year/,
    ],
    [{ ...commercialPayerSettings, extra: true }, /settings\.extra is not a field it knows/],
  ])('given settings out of bounds, then the field is named', (settings, problem) => {
    expect(payerSettingsProblem(settings)).toMatch(problem);
  });
});
