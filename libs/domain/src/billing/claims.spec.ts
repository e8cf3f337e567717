import { isDomainError } from '../errors';
import type { CertificationStanding } from '../rules/certification';
import {
  buildClaim,
  claimNeedsReplacement,
  buildDailyCharges,
  medicareLikePayerSettings,
  type Claim,
  type ChargeLineInput,
  type ClaimInput,
  type DailyCharges,
} from './index';

const chargesOf = (
  serviceDate: string,
  lines: ChargeLineInput[],
  certificationStanding: CertificationStanding = 'certified',
): DailyCharges => {
  const result = buildDailyCharges(
    { serviceDate, providerType: 'physical-therapist', underPlanOfCare: true, certificationStanding, lines },
    medicareLikePayerSettings,
    { year: 2025, chargesCents: 0 },
  );
  if (isDomainError(result)) throw result;
  return result;
};

const diagnoses = (count: number) => Array.from({ length: count }, (_, i) => `M${String(40 + i)}.9`);

const claimOf = (input: ClaimInput): Claim => {
  const result = buildClaim(input);
  if (isDomainError(result)) throw result;
  return result;
};

const oneDay = chargesOf('2025-06-10', [
  { code: '97124', minutes: 20, bodyRegions: ['lumbar'] },
  { code: '97140', minutes: 5, bodyRegions: ['cervical'] },
]);

describe('claims: diagnoses and pointers', () => {
  it('given 12 diagnoses from the referral, when a claim is built, then all 12 are listed', () => {
    const claim = claimOf({ claimId: 'claim-1', diagnosisCodes: diagnoses(12), days: [oneDay] });
    expect(claim.diagnosisCodes).toHaveLength(12);
  });

  it('given 13 diagnoses, when a claim is built, then refused', () => {
    expect(buildClaim({ claimId: 'claim-1', diagnosisCodes: diagnoses(13), days: [oneDay] })).toMatchObject({
      code: 'TOO_MANY_DIAGNOSES',
      details: { count: 13 },
    });
  });

  it('given the same diagnosis written twice, when a claim is built, then it is listed once', () => {
    expect(claimOf({ claimId: 'c', diagnosisCodes: ['m54.50', 'M54.50 '], days: [oneDay] }).diagnosisCodes).toEqual(['M54.50']);
  });

  it('given no diagnosis, when a claim is built, then refused', () => {
    expect(buildClaim({ claimId: 'c', diagnosisCodes: [], days: [oneDay] })).toMatchObject({ code: 'INVALID_BILLING_INPUT' });
  });

  it('given lines that name no diagnosis, when a claim is built, then they point at the first four', () => {
    expect(claimOf({ claimId: 'c', diagnosisCodes: diagnoses(6), days: [oneDay] }).lines[0]?.diagnosisPointers).toEqual([1, 2, 3, 4]);
    expect(claimOf({ claimId: 'c', diagnosisCodes: diagnoses(2), days: [oneDay] }).lines[0]?.diagnosisPointers).toEqual([1, 2]);
  });

  it('given a line naming its diagnoses, when a claim is built, then it points at them in its own order', () => {
    const day = chargesOf('2025-06-10', [{ code: '97140', minutes: 15, bodyRegions: ['neck'], diagnosisCodes: ['M43.9', 'm40.9'] }]);
    expect(claimOf({ claimId: 'c', diagnosisCodes: diagnoses(5), days: [day] }).lines[0]?.diagnosisPointers).toEqual([4, 1]);
  });

  it('given a line naming four diagnoses, when a claim is built, then four pointers', () => {
    const day = chargesOf('2025-06-10', [{ code: '97140', minutes: 15, bodyRegions: ['neck'], diagnosisCodes: diagnoses(4) }]);
    expect(claimOf({ claimId: 'c', diagnosisCodes: diagnoses(5), days: [day] }).lines[0]?.diagnosisPointers).toEqual([1, 2, 3, 4]);
  });

  it('given a line naming five diagnoses, when a claim is built, then refused', () => {
    const day = chargesOf('2025-06-10', [{ code: '97140', minutes: 15, bodyRegions: ['neck'], diagnosisCodes: diagnoses(5) }]);
    expect(buildClaim({ claimId: 'c', diagnosisCodes: diagnoses(5), days: [day] })).toMatchObject({
      code: 'TOO_MANY_DIAGNOSIS_POINTERS',
      details: { code: '97140', count: 5 },
    });
  });

  it('given a line naming a diagnosis not on the claim, when a claim is built, then refused', () => {
    const day = chargesOf('2025-06-10', [{ code: '97140', minutes: 15, bodyRegions: ['neck'], diagnosisCodes: ['G56.00'] }]);
    expect(buildClaim({ claimId: 'c', diagnosisCodes: diagnoses(2), days: [day] })).toMatchObject({ code: 'INVALID_BILLING_INPUT' });
  });
});

describe('claims: lines and corrected claims', () => {
  it('given billed and not-billable lines over two days, when a claim is built, then only billable lines are claimed', () => {
    const secondDay = chargesOf('2025-06-12', [{ code: '97140', minutes: 23, bodyRegions: ['cervical'] }]);
    expect(claimOf({ claimId: 'claim-1', diagnosisCodes: ['M54.50'], days: [oneDay, secondDay] })).toEqual({
      claimId: 'claim-1',
      frequency: 'original',
      frequencyCode: '1',
      diagnosisCodes: ['M54.50'],
      lines: [
        {
          serviceDate: '2025-06-10',
          code: '97124',
          units: 2,
          modifiers: ['GP'],
          diagnosisPointers: [1],
          chargeCents: 6_324,
          certificationDelinquent: false,
        },
        {
          serviceDate: '2025-06-12',
          code: '97140',
          units: 2,
          modifiers: ['GP'],
          diagnosisPointers: [1],
          chargeCents: 5_674,
          certificationDelinquent: false,
        },
      ],
      totalChargeCents: 11_998,
    });
  });

  it('given a day awaiting the certification, when a claim is built, then refused: its charges are held', () => {
    const awaiting = chargesOf('2025-06-12', [{ code: '97140', minutes: 23, bodyRegions: ['cervical'] }], 'awaiting-certification');
    expect(buildClaim({ claimId: 'c', diagnosisCodes: ['M54.50'], days: [oneDay, awaiting] })).toMatchObject({
      code: 'CERTIFICATION_REQUIRED',
      message: expect.not.stringContaining('2025-06-12'),
    });
  });

  it('given a day under a delinquent certification, when a claim is built, then its lines are flagged', () => {
    const delinquent = chargesOf('2025-06-12', [{ code: '97140', minutes: 23, bodyRegions: ['cervical'] }], 'delinquent');
    const claim = claimOf({ claimId: 'c', diagnosisCodes: ['M54.50'], days: [oneDay, delinquent] });
    expect(claim.lines.map((line) => [line.serviceDate, line.certificationDelinquent])).toEqual([
      ['2025-06-10', false],
      ['2025-06-12', true],
    ]);
  });

  it('given undotted lower-case codes on the claim and its lines, when a claim is built, then they are matched in canonical form', () => {
    const day = chargesOf('2025-06-10', [{ code: '97140', minutes: 15, bodyRegions: ['neck'], diagnosisCodes: ['g5600'] }]);
    const claim = claimOf({ claimId: 'c', diagnosisCodes: ['m5450', 'G56.00'], days: [day] });
    expect([claim.diagnosisCodes, claim.lines[0]?.diagnosisPointers]).toEqual([['M54.50', 'G56.00'], [2]]);
  });

  it('given nothing billable, when a claim is built, then refused', () => {
    const nothing = chargesOf('2025-06-10', [{ code: '97140', minutes: 7, bodyRegions: ['neck'] }]);
    expect(buildClaim({ claimId: 'c', diagnosisCodes: ['M54.50'], days: [nothing] })).toMatchObject({
      code: 'INVALID_BILLING_INPUT',
      message: 'A claim needs at least one billable line.',
    });
  });

  it('given a claim replacing an earlier one, when built, then it is a corrected claim (frequency 7) naming the original', () => {
    expect(claimOf({ claimId: 'claim-2', diagnosisCodes: ['M54.50'], days: [oneDay], replacesClaimId: 'claim-1' })).toMatchObject({
      frequency: 'corrected',
      frequencyCode: '7',
      replacesClaimId: 'claim-1',
    });
  });
});

describe('claims: when a billed claim must be replaced', () => {
  const billed = claimOf({ claimId: 'claim-1', diagnosisCodes: ['M54.50'], days: [oneDay] });

  it('given the same days rebuilt under another claim id, then no replacement', () => {
    expect(claimNeedsReplacement(billed, claimOf({ claimId: 'claim-2', diagnosisCodes: ['M54.50'], days: [oneDay] }))).toBe(false);
  });

  it('given a billed claim read back with its fields in another order, then no replacement', () => {
    const readBack = {
      lines: billed.lines.map(({ chargeCents, certificationDelinquent, code, diagnosisPointers, modifiers, serviceDate, units }) => ({
        units,
        serviceDate,
        modifiers,
        diagnosisPointers,
        code,
        certificationDelinquent,
        chargeCents,
      })),
      diagnosisCodes: billed.diagnosisCodes,
    };
    expect(claimNeedsReplacement(readBack, billed)).toBe(false);
  });

  it('given an addendum that added minutes to a billed day, then the rebuilt claim replaces it', () => {
    const corrected = chargesOf('2025-06-10', [
      { code: '97124', minutes: 35, bodyRegions: ['lumbar'] },
      { code: '97140', minutes: 5, bodyRegions: ['cervical'] },
    ]);
    expect(claimNeedsReplacement(billed, claimOf({ claimId: 'claim-2', diagnosisCodes: ['M54.50'], days: [corrected] }))).toBe(true);
  });

  it('given a billed day found delinquent afterwards, then the rebuilt claim replaces it', () => {
    const delinquent = chargesOf(
      '2025-06-10',
      [
        { code: '97124', minutes: 20, bodyRegions: ['lumbar'] },
        { code: '97140', minutes: 5, bodyRegions: ['cervical'] },
      ],
      'delinquent',
    );
    expect(claimNeedsReplacement(billed, claimOf({ claimId: 'claim-2', diagnosisCodes: ['M54.50'], days: [delinquent] }))).toBe(true);
  });

  it('given another day added to the claim, then the rebuilt claim replaces it', () => {
    const nextDay = chargesOf('2025-06-11', [{ code: '97124', minutes: 30, bodyRegions: ['lumbar'] }]);
    expect(claimNeedsReplacement(billed, claimOf({ claimId: 'claim-2', diagnosisCodes: ['M54.50'], days: [oneDay, nextDay] }))).toBe(true);
  });
});
