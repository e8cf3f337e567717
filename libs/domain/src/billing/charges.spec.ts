import { isDomainError } from '../errors';
import {
  buildDailyCharges,
  commercialPayerSettings,
  defaultPayerSettings,
  medicareLikePayerSettings,
  type ChargeLineInput,
  type DailyChargeInput,
  type DailyCharges,
  type PayerSettings,
  type YearToDateCharges,
} from './index';

const day = (lines: ChargeLineInput[], overrides: Partial<DailyChargeInput> = {}): DailyChargeInput => ({
  serviceDate: '2025-06-10',
  providerType: 'physical-therapist',
  underPlanOfCare: true,
  certificationStanding: 'certified',
  lines,
  ...overrides,
});

const noChargesYet: YearToDateCharges = { year: 2025, chargesCents: 0 };

const charges = (
  input: DailyChargeInput,
  payer: PayerSettings = medicareLikePayerSettings,
  yearToDate: YearToDateCharges = noChargesYet,
): DailyCharges => {
  const result = buildDailyCharges(input, payer, yearToDate);
  if (isDomainError(result)) throw result;
  return result;
};

const massage = (minutes: number, regions = ['lumbar']): ChargeLineInput => ({ code: '97124', minutes, bodyRegions: regions });
const manual = (minutes: number, regions = ['cervical']): ChargeLineInput => ({ code: '97140', minutes, bodyRegions: regions });

describe('daily charges: units and prices', () => {
  it('given 38 minutes of manual therapy for a Medicare-type payer, when charged, then 3 units at the fee schedule price with GP', () => {
    expect(charges(day([manual(38)]))).toEqual({
      serviceDate: '2025-06-10',
      lines: [
        {
          code: '97140',
          minutes: 38,
          units: 3,
          bodyRegions: ['cervical'],
          diagnosisCodes: [],
          modifiers: ['GP'],
          billable: true,
          unitPriceCents: 2_837,
          amountCents: 8_511,
        },
      ],
      totalTimedMinutes: 38,
      billedUnits: 3,
      amountCents: 8_511,
      yearToDate: {
        year: 2025,
        beforeCents: 0,
        afterCents: 8_511,
        kxThresholdCents: 241_000,
        medicalReviewThresholdCents: 300_000,
        kxCrossed: false,
        medicalReviewCrossed: false,
      },
      certificationStanding: 'certified',
      held: false,
    });
  });

  it('given 7 minutes of massage, when charged, then the line is kept with its minutes but not billable', () => {
    const result = charges(day([massage(7)]));
    expect(result.lines).toEqual([
      {
        code: '97124',
        minutes: 7,
        units: 0,
        bodyRegions: ['lumbar'],
        diagnosisCodes: [],
        modifiers: [],
        billable: false,
        notBillableReason: 'below-minimum-minutes',
        unitPriceCents: 0,
        amountCents: 0,
      },
    ]);
    expect(result).toMatchObject({ totalTimedMinutes: 7, billedUnits: 0, amountCents: 0 });
  });

  it('given 8 minutes of massage, when charged, then one billable unit', () => {
    expect(charges(day([massage(8)])).lines[0]).toMatchObject({ units: 1, billable: true, amountCents: 3_162 });
  });

  it('given 33 and 7 minutes under the 8-minute rule, when charged, then both lines are billed (2 + 1 units)', () => {
    const result = charges(day([manual(33), { code: '97530', minutes: 7, bodyRegions: ['lumbar'] }]));
    expect(result.lines.map((line) => [line.code, line.units, line.billable])).toEqual([
      ['97140', 2, true],
      ['97530', 1, true],
    ]);
    expect(result.billedUnits).toBe(3);
  });

  it('given the same minutes for a commercial payer using the midpoint rule, when charged, then the 7-minute line is not billable', () => {
    const result = charges(day([manual(33), { code: '97530', minutes: 7, bodyRegions: ['lumbar'] }]), commercialPayerSettings);
    expect(result.lines.map((line) => [line.code, line.units, line.billable, line.modifiers])).toEqual([
      ['97140', 2, true, []],
      ['97530', 0, false, []],
    ]);
  });

  it('given an evaluation with timed work, when charged, then the evaluation is one unit and its minutes are not timed minutes', () => {
    const result = charges(day([{ code: '97161', minutes: 40, bodyRegions: [] }, manual(7)]));
    expect(result.totalTimedMinutes).toBe(7);
    expect(result.lines.map((line) => [line.code, line.units, line.billable])).toEqual([
      ['97161', 1, true],
      ['97140', 0, false],
    ]);
    expect(result.amountCents).toBe(10_212);
  });

  it('given two sessions of the same code on one day, when charged, then one line with minutes, regions and diagnoses combined', () => {
    const result = charges(
      day([
        { ...manual(10, ['cervical']), diagnosisCodes: ['M54.2'] },
        { ...manual(10, ['thoracic', 'cervical']), diagnosisCodes: ['M54.6'] },
      ]),
    );
    expect(result.lines).toHaveLength(1);
    expect(result.lines[0]).toMatchObject({
      minutes: 20,
      units: 1,
      bodyRegions: ['cervical', 'thoracic'],
      diagnosisCodes: ['M54.2', 'M54.6'],
    });
  });

  it('given no services, when charged, then an empty day', () => {
    expect(charges(day([]))).toMatchObject({ lines: [], billedUnits: 0, amountCents: 0 });
  });
});

describe('daily charges: modifiers 59 and GP', () => {
  it('given massage then manual therapy on different regions, when charged, then manual therapy carries 59', () => {
    const result = charges(day([massage(15, ['lumbar']), manual(15, ['cervical'])]));
    expect(result.lines.map((line) => [line.code, line.modifiers])).toEqual([
      ['97124', ['GP']],
      ['97140', ['59', 'GP']],
    ]);
  });

  it('given manual therapy then massage on different regions, when charged, then massage carries 59', () => {
    const result = charges(day([manual(15, ['cervical']), massage(15, ['lumbar'])]), commercialPayerSettings);
    expect(result.lines.map((line) => [line.code, line.modifiers])).toEqual([
      ['97140', []],
      ['97124', ['59']],
    ]);
  });

  it('given the second of the pair earns no unit, when charged, then no 59 is needed', () => {
    const result = charges(day([massage(30), manual(5)]));
    expect(result.lines.map((line) => [line.code, line.modifiers, line.billable])).toEqual([
      ['97124', ['GP'], true],
      ['97140', [], false],
    ]);
  });

  it('given massage and manual therapy on the same region, when charged, then refused', () => {
    const result = buildDailyCharges(day([massage(15, ['lumbar']), manual(15, ['lumbar'])]), medicareLikePayerSettings, noChargesYet);
    expect(result).toMatchObject({ code: 'CODE_PAIR_SAME_REGION' });
  });

  it('given services outside a therapy plan of care, when charged for a payer requiring GP, then no GP', () => {
    expect(charges(day([manual(15)], { underPlanOfCare: false })).lines[0]?.modifiers).toEqual([]);
  });
});

describe('daily charges: payer eligibility by provider type', () => {
  it('given a licensed massage therapist billing Medicare, when charged, then every line is kept as not billable', () => {
    const result = charges(day([massage(30), manual(30)], { providerType: 'licensed-massage-therapist' }));
    expect(result.lines.map((line) => [line.code, line.units, line.billable, line.notBillableReason, line.minutes])).toEqual([
      ['97124', 0, false, 'provider-not-eligible', 30],
      ['97140', 0, false, 'provider-not-eligible', 30],
    ]);
    expect(result.amountCents).toBe(0);
  });

  it('given a licensed massage therapist billing a commercial payer, when charged, then massage is billable and re-education is not', () => {
    const result = charges(
      day([massage(30), { code: '97112', minutes: 15, bodyRegions: ['lumbar'] }], { providerType: 'licensed-massage-therapist' }),
      commercialPayerSettings,
    );
    expect(result.lines.map((line) => [line.code, line.units, line.notBillableReason])).toEqual([
      ['97124', 2, undefined],
      ['97112', 0, 'provider-not-eligible'],
    ]);
  });

  it('given an assistant, when an evaluation is charged, then the evaluation is not billable and its minutes do not count', () => {
    const result = charges(
      day([{ code: '97163', minutes: 60, bodyRegions: [] }, manual(20)], { providerType: 'physical-therapist-assistant' }),
    );
    expect(result.lines.map((line) => [line.code, line.units, line.notBillableReason])).toEqual([
      ['97163', 0, 'provider-not-eligible'],
      ['97140', 1, undefined],
    ]);
  });
});

describe('daily charges: KX threshold and targeted medical review', () => {
  const kxThreshold = 241_000;

  it('given year-to-date charges well below the threshold, when charged, then no KX', () => {
    const result = charges(day([massage(15), manual(15)]), medicareLikePayerSettings, { year: 2025, chargesCents: 100_000 });
    expect(result.lines.flatMap((line) => line.modifiers)).not.toContain('KX');
  });

  it('given the first line reaches the threshold exactly and the second crosses it, when charged, then only the crossing line carries KX', () => {
    const result = charges(day([massage(15), manual(15)]), medicareLikePayerSettings, {
      year: 2025,
      chargesCents: kxThreshold - 3_162,
    });
    expect(result.lines.map((line) => [line.code, line.modifiers])).toEqual([
      ['97124', ['GP']],
      ['97140', ['59', 'GP', 'KX']],
    ]);
    expect(result.yearToDate).toMatchObject({ beforeCents: 237_838, afterCents: 243_837, kxThresholdCents: kxThreshold, kxCrossed: true });
  });

  it('given the first line crosses the threshold by one cent, when charged, then it and every later line carry KX', () => {
    const result = charges(day([massage(15), manual(15)]), medicareLikePayerSettings, {
      year: 2025,
      chargesCents: kxThreshold - 3_161,
    });
    expect(result.lines.map((line) => line.modifiers.includes('KX'))).toEqual([true, true]);
    expect(result.yearToDate.kxCrossed).toBe(true);
  });

  it('given year-to-date charges already above the threshold, when charged, then every billable line carries KX', () => {
    const result = charges(day([manual(15), massage(5)]), medicareLikePayerSettings, { year: 2025, chargesCents: 250_000 });
    expect(result.lines.map((line) => line.modifiers)).toEqual([['GP', 'KX'], []]);
    expect(result.yearToDate.kxCrossed).toBe(false);
  });

  it('given the 2024 threshold, when charged in 2024, then that year’s value applies', () => {
    const result = charges(day([manual(15)], { serviceDate: '2024-12-31' }), medicareLikePayerSettings, {
      year: 2024,
      chargesCents: 233_000,
    });
    expect(result.lines[0]?.modifiers).toEqual(['GP', 'KX']);
    expect(result.yearToDate.kxThresholdCents).toBe(233_000);
  });

  it('given a year whose threshold is not configured, when charged, then refused naming the year', () => {
    const result = buildDailyCharges(day([manual(15)], { serviceDate: '2031-01-05' }), medicareLikePayerSettings, {
      year: 2031,
      chargesCents: 0,
    });
    expect(result).toMatchObject({ code: 'KX_THRESHOLD_MISSING', details: { year: 2031 } });
  });

  it('given a year whose threshold is not configured, when nothing on the day is billable, then no threshold is needed', () => {
    const input = day([manual(30)], { serviceDate: '2031-01-05', providerType: 'licensed-massage-therapist' });
    const result = charges(input, medicareLikePayerSettings, { year: 2031, chargesCents: 0 });
    expect(result.yearToDate).toEqual({ year: 2031, beforeCents: 0, afterCents: 0, kxCrossed: false, medicalReviewCrossed: false });
  });

  it('given a payer without therapy thresholds, when charged in any year, then no KX and no review', () => {
    const result = charges(day([manual(15)], { serviceDate: '2031-01-05' }), commercialPayerSettings, {
      year: 2031,
      chargesCents: 999_999,
    });
    expect(result.lines[0]?.modifiers).toEqual([]);
    expect(result.yearToDate).toEqual({
      year: 2031,
      beforeCents: 999_999,
      afterCents: 1_004_199,
      kxCrossed: false,
      medicalReviewCrossed: false,
    });
  });

  it('given charges that take the year past $3,000, when charged, then targeted medical review is flagged', () => {
    const result = charges(day([manual(15)]), medicareLikePayerSettings, { year: 2025, chargesCents: 300_000 - 2_836 });
    expect(result.yearToDate).toMatchObject({ afterCents: 300_001, medicalReviewCrossed: true });
  });

  it('given charges that reach exactly $3,000, when charged, then no review yet', () => {
    const result = charges(day([manual(15)]), medicareLikePayerSettings, { year: 2025, chargesCents: 300_000 - 2_837 });
    expect(result.yearToDate).toMatchObject({ afterCents: 300_000, medicalReviewCrossed: false });
  });

  it('given the year was already past $3,000, when charged again, then the review is not flagged a second time', () => {
    const result = charges(day([manual(15)]), medicareLikePayerSettings, { year: 2025, chargesCents: 300_001 });
    expect(result.yearToDate.medicalReviewCrossed).toBe(false);
  });
});

describe('daily charges: certification standing', () => {
  it('given a day awaiting the certification, when charged, then the charges carry it and are held', () =>
    expect(charges(day([manual(15)], { certificationStanding: 'awaiting-certification' }))).toMatchObject({
      certificationStanding: 'awaiting-certification',
      held: true,
    }));

  it('given a day under a delinquent certification, when charged, then the charges carry it and are not held', () =>
    expect(charges(day([manual(15)], { certificationStanding: 'delinquent' }))).toMatchObject({
      certificationStanding: 'delinquent',
      held: false,
    }));

  it('given a standing billing does not know, when charged, then refused', () =>
    expect(
      buildDailyCharges(day([manual(15)], { certificationStanding: 'pending' as never }), medicareLikePayerSettings, noChargesYet),
    ).toMatchObject({
      code: 'INVALID_BILLING_INPUT',
      message: /certification standing/,
    }));
});

describe('daily charges: refusals', () => {
  it('given a payer without a price for a billed code, when charged, then refused naming the code', () => {
    expect(buildDailyCharges(day([manual(15)]), defaultPayerSettings, noChargesYet)).toMatchObject({
      code: 'FEE_SCHEDULE_MISSING',
      message: "The payer's fee schedule has no price for 97140.",
    });
  });

  it('given a line that is not billable, when its code has no price, then no price is needed', () => {
    expect(charges(day([manual(5)]), defaultPayerSettings).lines[0]?.billable).toBe(false);
  });

  it.each([12.5, -1])('given a fee schedule price of %p, when charged, then refused: money is whole cents', (price) => {
    const payer = { ...medicareLikePayerSettings, feeScheduleCents: { '97140': price } };
    expect(buildDailyCharges(day([manual(15)]), payer, noChargesYet)).toMatchObject({ code: 'INVALID_BILLING_INPUT' });
  });

  it('given a date of service that is not a calendar date, when charged, then refused', () => {
    expect(buildDailyCharges(day([manual(15)], { serviceDate: '2025-02-30' }), medicareLikePayerSettings, noChargesYet)).toMatchObject({
      code: 'INVALID_BILLING_INPUT',
      message: 'The date of service must be a calendar date (YYYY-MM-DD).',
    });
  });

  it('given year-to-date charges of another year, when charged, then refused', () => {
    expect(buildDailyCharges(day([manual(15)]), medicareLikePayerSettings, { year: 2024, chargesCents: 0 })).toMatchObject({
      code: 'INVALID_BILLING_INPUT',
      message: 'Year-to-date charges must be those of 2025, the year of the date of service.',
    });
  });

  it('given year-to-date charges in fractions of a cent, when charged, then refused', () => {
    expect(buildDailyCharges(day([manual(15)]), medicareLikePayerSettings, { year: 2025, chargesCents: 10.5 })).toMatchObject({
      code: 'INVALID_BILLING_INPUT',
    });
  });

  it('given negative minutes, when charged, then refused even for a provider who may not bill the code', () => {
    const input = day([manual(-5)], { providerType: 'licensed-massage-therapist' });
    expect(buildDailyCharges(input, medicareLikePayerSettings, noChargesYet)).toMatchObject({ code: 'INVALID_BILLING_INPUT' });
  });

  it('given a code the department does not bill, when charged, then refused', () => {
    const input = day([{ code: '97110' as never, minutes: 15, bodyRegions: [] }]);
    expect(buildDailyCharges(input, medicareLikePayerSettings, noChargesYet)).toMatchObject({ code: 'INVALID_BILLING_INPUT' });
  });
});
