import { commercialPayerSettings, medicareLikePayerSettings } from '@careflow/domain';
import { chargeSetChanged, chargeSetOf, isClaimable, payerVisits, renderingTherapist, type BillingVisit } from './charges';

const visit = (overrides: Partial<BillingVisit> = {}): BillingVisit => ({
  visitId: 's-1',
  kind: 'session',
  serviceDate: '2025-03-07',
  therapistId: 't-1',
  lines: [{ code: '97140', minutes: 30, bodyRegions: ['lower-back'] }],
  selfPay: false,
  signed: true,
  certificationStanding: 'certified',
  ...overrides,
});

const day = (visits: BillingVisit[], overrides: Partial<Parameters<typeof chargeSetOf>[0]> = {}) =>
  chargeSetOf({
    serviceDate: '2025-03-07',
    visits,
    providerType: 'physical-therapist',
    payer: medicareLikePayerSettings,
    yearToDateBeforeCents: 0,
    ...overrides,
  });

describe("a day's charge set", () => {
  it('given two sessions on one day, when charged, then their minutes are billed together by the 8-minute rule, with GP', () => {
    const charges = day([visit(), visit({ visitId: 's-2', lines: [{ code: '97140', minutes: 10, bodyRegions: ['lower-back'] }] })]);
    expect(charges).toMatchObject({
      billedUnits: 3,
      amountCents: 3 * 2_837,
      held: false,
      flagged: false,
      notesSigned: true,
      problem: undefined,
    });
    expect(charges.lines.map((line) => line.modifiers)).toEqual([['GP']]);
  });

  it('given only the initial evaluation on a day, when charged, then it is not under a plan of care (no GP)', () => {
    const charges = day([visit({ kind: 'evaluation', lines: [{ code: '97162', minutes: 0, bodyRegions: [] }] })]);
    expect(charges).toMatchObject({ billedUnits: 1, amountCents: 10_212 });
    expect(charges.lines.map((line) => line.modifiers)).toEqual([[]]);
  });

  it('given one session still awaiting certification, when charged, then the whole day is held', () => {
    expect(day([visit(), visit({ visitId: 's-2', certificationStanding: 'awaiting-certification' })])).toMatchObject({
      certificationStanding: 'awaiting-certification',
      held: true,
      flagged: false,
    });
  });

  it('given a delinquent session, when charged, then the day is flagged, not held', () => {
    expect(day([visit({ certificationStanding: 'delinquent' })])).toMatchObject({ held: false, flagged: true });
  });

  it('given an unsigned note, when charged, then the day is charged but not claimable', () => {
    const charges = day([visit(), visit({ visitId: 's-2', signed: false })]);
    expect(charges.notesSigned).toBe(false);
    expect(isClaimable(charges)).toBe(false);
    expect(isClaimable(day([visit()]))).toBe(true);
  });

  it('given a payer without a fee schedule, when charged, then the day carries the refusal code and no lines', () => {
    const charges = day([visit()], { payer: { ...medicareLikePayerSettings, feeScheduleCents: {} } });
    expect(charges).toMatchObject({ problem: 'FEE_SCHEDULE_MISSING', lines: [], amountCents: 0 });
    expect(isClaimable(charges)).toBe(false);
  });

  it('given a licensed massage therapist and a Medicare-type payer, when charged, then the line is kept, not billable', () => {
    const charges = day([visit()], { providerType: 'licensed-massage-therapist' });
    expect(charges.lines).toMatchObject([{ code: '97140', billable: false, notBillableReason: 'provider-not-eligible' }]);
    expect(isClaimable(charges)).toBe(false);
    expect(day([visit()], { providerType: 'licensed-massage-therapist', payer: commercialPayerSettings }).amountCents).toBe(2 * 4_200);
  });

  it('given the year to date just below the KX threshold, when charged, then the day crosses it and its line carries KX', () => {
    const charges = day([visit()], { yearToDateBeforeCents: 240_000 });
    expect(charges).toMatchObject({ kxCrossed: true, reviewCrossed: false, yearToDateBeforeCents: 240_000 });
    expect(charges.lines.map((line) => line.modifiers)).toEqual([['GP', 'KX']]);
  });

  it('given self-pay sessions, then they are not the payer’s visits', () => {
    expect(payerVisits([visit(), visit({ visitId: 's-2', selfPay: true })]).map((v) => v.visitId)).toEqual(['s-1']);
  });

  it('given visits without and with a therapist, then the first with one renders the day', () => {
    expect(renderingTherapist([visit({ therapistId: undefined }), visit({ therapistId: 't-2' })])).toBe('t-2');
  });
});

describe('whether a charge set changed (a new version)', () => {
  it('given the same charges read back from storage with keys in another order, then nothing changed', () => {
    const charges = day([visit()]);
    const readBack = JSON.parse(
      JSON.stringify({ ...charges, lines: charges.lines.map((line) => Object.fromEntries(Object.entries(line).reverse())) }),
    ) as typeof charges;
    expect(chargeSetChanged(charges, readBack)).toBe(false);
  });

  it('given a first charge set, a signature or corrected minutes, then it changed', () => {
    expect(chargeSetChanged(undefined, day([visit()]))).toBe(true);
    expect(chargeSetChanged(day([visit({ signed: false })]), day([visit()]))).toBe(true);
    expect(chargeSetChanged(day([visit()]), day([visit({ lines: [{ code: '97140', minutes: 45, bodyRegions: ['lower-back'] }] })]))).toBe(
      true,
    );
  });
});
