import { DomainError, isDomainError } from '../errors';
import { normalizeIcd10Cm } from '../rules/referral';
import type { BillingCode } from './codes';
import type { DailyCharges, Modifier } from './charges';

/** A claim lists at most 12 diagnoses (A–L on the CMS-1500), and each line points at up to 4 of them. */
const maxClaimDiagnoses = 12;
const maxDiagnosisPointersPerLine = 4;

/** What a claim takes from a day's charges (a day read back from storage carries no more). */
export type ClaimDay = Pick<DailyCharges, 'serviceDate' | 'lines' | 'held' | 'certificationStanding'>;

export interface ClaimInput {
  readonly claimId: string;
  /** Diagnoses from the referral that support these services, primary first. */
  readonly diagnosisCodes: readonly string[];
  readonly days: readonly ClaimDay[];
  /** Set for a corrected claim: the claim it replaces. */
  readonly replacesClaimId?: string;
}

export interface ClaimLine {
  readonly serviceDate: string;
  readonly code: BillingCode;
  readonly units: number;
  readonly modifiers: Modifier[];
  /** 1-based positions in the claim's diagnosis list, the line's primary first. */
  readonly diagnosisPointers: number[];
  readonly chargeCents: number;
  /** The plan's certification was delinquent on the day of service: the line is flagged. */
  readonly certificationDelinquent: boolean;
}

export interface Claim {
  readonly claimId: string;
  readonly frequency: 'original' | 'corrected';
  /** Claim frequency type code: 1 original, 7 replacement of a prior claim. */
  readonly frequencyCode: '1' | '7';
  readonly replacesClaimId?: string;
  readonly diagnosisCodes: string[];
  readonly lines: ClaimLine[];
  readonly totalChargeCents: number;
}

const pointersFor = (
  line: { code: BillingCode; diagnosisCodes: readonly string[] },
  claimDiagnoses: readonly string[],
): number[] | DomainError => {
  if (line.diagnosisCodes.length === 0) {
    return claimDiagnoses.slice(0, maxDiagnosisPointersPerLine).map((_, index) => index + 1);
  }
  const wanted = [...new Set(line.diagnosisCodes.map(normalizeIcd10Cm))];
  const missing = wanted.find((code) => !claimDiagnoses.includes(code));
  if (missing !== undefined) {
    return new DomainError('INVALID_BILLING_INPUT', `A ${line.code} line points at a diagnosis that is not on the claim.`, {
      code: line.code,
    });
  }
  if (wanted.length > maxDiagnosisPointersPerLine) {
    return new DomainError(
      'TOO_MANY_DIAGNOSIS_POINTERS',
      `A claim line points at no more than ${maxDiagnosisPointersPerLine} diagnoses; ` + `the ${line.code} line has ${wanted.length}.`,
      { code: line.code, count: wanted.length },
    );
  }
  return wanted.map((code) => claimDiagnoses.indexOf(code) + 1);
};

/**
 * Puts the billable lines of one or more days on a claim (docs/clinical-rules.md §10): up to 12 diagnoses,
 * up to 4 pointers a line (a line that names none points at the first four), prices as charged.
 * Days held for a certification are refused; lines of a delinquent certification are flagged.
 * With `replacesClaimId` it is a corrected claim (frequency 7).
 */
export const buildClaim = (input: ClaimInput): Claim | DomainError => {
  const diagnosisCodes = [...new Set(input.diagnosisCodes.map(normalizeIcd10Cm))];
  if (diagnosisCodes.length === 0) {
    return new DomainError('INVALID_BILLING_INPUT', 'A claim needs at least one diagnosis from the referral.');
  }
  if (diagnosisCodes.length > maxClaimDiagnoses) {
    return new DomainError(
      'TOO_MANY_DIAGNOSES',
      `A claim carries at most ${maxClaimDiagnoses} diagnoses; ${diagnosisCodes.length} were given. ` +
        'Choose those that support the services billed.',
      { count: diagnosisCodes.length },
    );
  }
  if (input.days.some((day) => day.held)) {
    return new DomainError(
      'CERTIFICATION_REQUIRED',
      "Some of these charges await the plan of care's certification; they are billed once it is certified or delinquent.",
    );
  }
  const lines: ClaimLine[] = [];
  for (const day of input.days) {
    for (const line of day.lines.filter((charge) => charge.billable)) {
      const diagnosisPointers = pointersFor(line, diagnosisCodes);
      if (isDomainError(diagnosisPointers)) return diagnosisPointers;
      lines.push({
        serviceDate: day.serviceDate,
        code: line.code,
        units: line.units,
        modifiers: line.modifiers,
        diagnosisPointers,
        chargeCents: line.amountCents,
        certificationDelinquent: day.certificationStanding === 'delinquent',
      });
    }
  }
  if (lines.length === 0) return new DomainError('INVALID_BILLING_INPUT', 'A claim needs at least one billable line.');
  const corrected = input.replacesClaimId !== undefined;
  return {
    claimId: input.claimId,
    frequency: corrected ? 'corrected' : 'original',
    frequencyCode: corrected ? '7' : '1',
    ...(corrected ? { replacesClaimId: input.replacesClaimId } : {}),
    diagnosisCodes,
    lines,
    totalChargeCents: lines.reduce((sum, line) => sum + line.chargeCents, 0),
  };
};

/** What a claim bills, in a fixed shape: claims read back from storage compare equal to claims built. */
const billedContent = (claim: Pick<Claim, 'diagnosisCodes' | 'lines'>): string =>
  JSON.stringify([
    claim.diagnosisCodes,
    claim.lines.map((line) => [
      line.serviceDate,
      line.code,
      line.units,
      line.modifiers,
      line.diagnosisPointers,
      line.chargeCents,
      line.certificationDelinquent,
    ]),
  ]);

/**
 * A billed claim must be replaced (frequency 7) when the claim built now for the same episode and
 * payer bills anything differently: its diagnoses, or any line's date, code, units, modifiers,
 * pointers, charge or delinquency flag.
 */
export const claimNeedsReplacement = (billed: Pick<Claim, 'diagnosisCodes' | 'lines'>, rebuilt: Claim): boolean =>
  billedContent(billed) !== billedContent(rebuilt);
