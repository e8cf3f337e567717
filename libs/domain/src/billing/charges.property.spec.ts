import fc from 'fast-check';
import { isDomainError } from '../errors';
import {
  buildDailyCharges,
  commercialPayerSettings,
  isTimedCode,
  medicareLikePayerSettings,
  timedCodes,
  unitsForTimedMinutes,
  untimedCodes,
  type ChargeLineInput,
  type ProviderType,
} from './index';

const linesArb: fc.Arbitrary<ChargeLineInput[]> = fc
  .array(
    fc.record({
      code: fc.constantFrom(...timedCodes, ...untimedCodes),
      minutes: fc.integer({ min: 0, max: 90 }),
      // Distinct region per code, so the 97124/97140 rule never refuses these days.
      bodyRegions: fc.constant([] as string[]),
    }),
    { maxLength: 6 },
  )
  .map((lines) => lines.map((line) => ({ ...line, bodyRegions: [`region-${line.code}`] })));

const providerArb = fc.constantFrom<ProviderType>(
  'physical-therapist',
  'physical-therapist-assistant',
  'licensed-massage-therapist',
  'occupational-therapist',
  'physician',
);

describe('daily charge properties', () => {
  it('billed timed units never exceed what the day’s total timed minutes allow under the 8-minute rule (Medicare-type payer)', () => {
    fc.assert(
      fc.property(linesArb, providerArb, fc.integer({ min: 0, max: 400_000 }), (lines, providerType, ytd) => {
        const day = buildDailyCharges(
          { serviceDate: '2025-06-10', providerType, underPlanOfCare: true, certificationStanding: 'certified', lines },
          medicareLikePayerSettings,
          { year: 2025, chargesCents: ytd },
        );
        if (isDomainError(day)) throw day;
        const timedUnits = day.lines.filter((line) => line.billable && isTimedCode(line.code)).reduce((s, l) => s + l.units, 0);
        expect(timedUnits).toBeLessThanOrEqual(unitsForTimedMinutes(day.totalTimedMinutes));
      }),
    );
  });

  it('every documented code is kept, money is whole cents, and not-billable lines charge nothing', () => {
    fc.assert(
      fc.property(
        linesArb,
        providerArb,
        fc.constantFrom(medicareLikePayerSettings, commercialPayerSettings),
        (lines, providerType, payer) => {
          const day = buildDailyCharges(
            { serviceDate: '2025-06-10', providerType, underPlanOfCare: true, certificationStanding: 'certified', lines },
            payer,
            {
              year: 2025,
              chargesCents: 0,
            },
          );
          if (isDomainError(day)) throw day;
          expect(day.lines.map((line) => line.code)).toEqual([...new Set(lines.map((line) => line.code))]);
          for (const line of day.lines) {
            expect(Number.isSafeInteger(line.amountCents)).toBe(true);
            if (!line.billable) expect([line.units, line.amountCents, line.modifiers.length]).toEqual([0, 0, 0]);
          }
          expect(day.amountCents).toBe(day.lines.reduce((sum, line) => sum + line.amountCents, 0));
        },
      ),
    );
  });

  it('once a line carries KX, every later billable line does too', () => {
    fc.assert(
      fc.property(linesArb, fc.integer({ min: 200_000, max: 260_000 }), (lines, ytd) => {
        const day = buildDailyCharges(
          {
            serviceDate: '2025-06-10',
            providerType: 'physical-therapist',
            underPlanOfCare: true,
            certificationStanding: 'certified',
            lines,
          },
          medicareLikePayerSettings,
          { year: 2025, chargesCents: ytd },
        );
        if (isDomainError(day)) throw day;
        const kx = day.lines.filter((line) => line.billable).map((line) => line.modifiers.includes('KX'));
        expect(kx).toEqual([...kx].sort((a, b) => Number(a) - Number(b)));
      }),
    );
  });
});
