import { isIsoDate, yearOf, type IsoDate } from '../calendar';
import { DomainError, isDomainError } from '../errors';
import { certificationStandings, type CertificationStanding } from '../rules/certification';
import { isTimedCode, type BillingCode } from './codes';
import { distinctServiceCode, findCodePairConflict } from './code-pairs';
import type { PayerSettings, ProviderType } from './payers';
import { applyTherapyThresholds, type YearToDateCharges, type YearToDateOutcome } from './thresholds';
import { assignUnits, codeMinutesRefusal } from './units';

export interface ChargeLineInput {
  readonly code: BillingCode;
  readonly minutes: number;
  readonly bodyRegions: readonly string[];
  /** Diagnoses this service treats; when empty the claim points the line at its first four. */
  readonly diagnosisCodes?: readonly string[];
}

/** One patient's documented services with one payer on one day, by one kind of provider. */
export interface DailyChargeInput {
  readonly serviceDate: IsoDate;
  readonly providerType: ProviderType;
  /** Services under a therapy plan of care carry GP where the payer asks for it. */
  readonly underPlanOfCare: boolean;
  /** The plan's certification on the day of service, as the episode recorded it (docs/clinical-rules.md §6). */
  readonly certificationStanding: CertificationStanding;
  readonly lines: readonly ChargeLineInput[];
}

/** 59: distinct service (97124 and 97140 on different regions); GP: therapy plan of care; KX: above the threshold. */
export type Modifier = '59' | 'GP' | 'KX';

export type NotBillableReason = 'below-minimum-minutes' | 'provider-not-eligible';

export interface ChargeLine {
  readonly code: BillingCode;
  readonly minutes: number;
  readonly units: number;
  readonly bodyRegions: string[];
  readonly diagnosisCodes: string[];
  readonly modifiers: Modifier[];
  readonly billable: boolean;
  /** Why a line kept for its documented minutes is not billed. */
  readonly notBillableReason?: NotBillableReason;
  readonly unitPriceCents: number;
  readonly amountCents: number;
}

export interface DailyCharges {
  readonly serviceDate: IsoDate;
  /** One line per code, in the order the codes were first documented. */
  readonly lines: ChargeLine[];
  /** Minutes of timed codes only; evaluation minutes never count. */
  readonly totalTimedMinutes: number;
  readonly billedUnits: number;
  readonly amountCents: number;
  readonly yearToDate: YearToDateOutcome;
  /** Delinquent: the charges are billed flagged. */
  readonly certificationStanding: CertificationStanding;
  /** Awaiting certification: the charges stay off claims until the plan is certified or the certification is delinquent. */
  readonly held: boolean;
}

const isCents = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

const invalid = (message: string): DomainError => new DomainError('INVALID_BILLING_INPUT', message);

type MergedLine = Pick<ChargeLine, 'code' | 'minutes' | 'bodyRegions' | 'diagnosisCodes'>;

/** A code is billed once a day: repeated lines add their minutes and keep every region and diagnosis. */
export const mergeByCode = (lines: readonly ChargeLineInput[]): MergedLine[] => {
  const merged = new Map<BillingCode, MergedLine>();
  for (const line of lines) {
    const entry = merged.get(line.code) ?? { code: line.code, minutes: 0, bodyRegions: [], diagnosisCodes: [] };
    merged.set(line.code, {
      code: line.code,
      minutes: entry.minutes + line.minutes,
      bodyRegions: [...new Set([...entry.bodyRegions, ...line.bodyRegions])],
      diagnosisCodes: [...new Set([...entry.diagnosisCodes, ...(line.diagnosisCodes ?? [])])],
    });
  }
  return [...merged.values()];
};

const inputRefusal = (input: DailyChargeInput, yearToDate: YearToDateCharges): DomainError | undefined => {
  if (!isIsoDate(input.serviceDate)) return invalid('The date of service must be a calendar date (YYYY-MM-DD).');
  if (yearToDate.year !== yearOf(input.serviceDate)) {
    return invalid(`Year-to-date charges must be those of ${yearOf(input.serviceDate)}, the year of the date of service.`);
  }
  if (!isCents(yearToDate.chargesCents)) return invalid('Year-to-date charges must be whole cents, zero or more.');
  if (!certificationStandings.includes(input.certificationStanding)) {
    return invalid(`The certification standing must be one of ${certificationStandings.join(', ')}.`);
  }
  return codeMinutesRefusal(input.lines);
};

const unitPrice = (code: BillingCode, payer: PayerSettings): number | DomainError => {
  const price = payer.feeScheduleCents[code];
  if (price === undefined) {
    return new DomainError('FEE_SCHEDULE_MISSING', `The payer's fee schedule has no price for ${code}.`, { code });
  }
  return isCents(price) ? price : invalid(`The payer's fee schedule price for ${code} must be whole cents, zero or more.`);
};

/**
 * Turns a day's documented services into charge lines (docs/clinical-rules.md §10): units by the payer's
 * rule, lines the provider may not bill or that earn no unit kept as not billable with their
 * minutes, fee-schedule prices, and modifiers 59, GP and KX. Refuses 97124 and 97140 on the same
 * region. Carries the plan's certification standing: held while awaiting it, flagged when delinquent.
 * `yearToDate` holds the patient's charges with this payer this year before this day.
 */
export const buildDailyCharges = (
  input: DailyChargeInput,
  payer: PayerSettings,
  yearToDate: YearToDateCharges,
): DailyCharges | DomainError => {
  const refusal = inputRefusal(input, yearToDate);
  if (refusal) return refusal;
  const lines = mergeByCode(input.lines);
  const pairConflict = findCodePairConflict(lines);
  if (pairConflict) return pairConflict;

  const eligibleCodes = payer.billableCodesByProviderType[input.providerType] ?? [];
  const units = assignUnits(
    lines.filter((line) => eligibleCodes.includes(line.code)),
    payer.unitRule,
  );
  const unitsOf = (code: BillingCode) => units.find((assignment) => assignment.code === code)?.units ?? 0;

  const priced: ChargeLine[] = [];
  for (const line of lines) {
    const lineUnits = unitsOf(line.code);
    const notBillableReason: NotBillableReason | undefined = !eligibleCodes.includes(line.code)
      ? 'provider-not-eligible'
      : lineUnits === 0
        ? 'below-minimum-minutes'
        : undefined;
    const price = notBillableReason ? 0 : unitPrice(line.code, payer);
    if (isDomainError(price)) return price;
    priced.push({
      ...line,
      units: lineUnits,
      modifiers: [],
      billable: notBillableReason === undefined,
      ...(notBillableReason ? { notBillableReason } : {}),
      unitPriceCents: price,
      amountCents: price * lineUnits,
    });
  }

  const billable = priced.filter((line) => line.billable);
  const thresholds = applyTherapyThresholds(
    billable.map((line) => line.amountCents),
    payer.therapyThresholds,
    yearToDate,
  );
  if (isDomainError(thresholds)) return thresholds;

  const kxCodes = new Set(billable.filter((_, index) => thresholds.kx[index]).map((line) => line.code));
  const code59 = distinctServiceCode(billable.map((line) => line.code));
  const gp = payer.requiresGpModifier && input.underPlanOfCare;
  const modifiersOf = (code: BillingCode): Modifier[] => [
    ...(code === code59 ? (['59'] as const) : []),
    ...(gp ? (['GP'] as const) : []),
    ...(kxCodes.has(code) ? (['KX'] as const) : []),
  ];

  return {
    serviceDate: input.serviceDate,
    lines: priced.map((line) => (line.billable ? { ...line, modifiers: modifiersOf(line.code) } : line)),
    totalTimedMinutes: lines.filter((line) => isTimedCode(line.code)).reduce((sum, line) => sum + line.minutes, 0),
    billedUnits: billable.reduce((sum, line) => sum + line.units, 0),
    amountCents: thresholds.outcome.afterCents - thresholds.outcome.beforeCents,
    yearToDate: thresholds.outcome,
    certificationStanding: input.certificationStanding,
    held: input.certificationStanding === 'awaiting-certification',
  };
};
