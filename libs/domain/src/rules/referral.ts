/** Referral validation (docs/clinical-rules.md §2): the physician's order before an episode may start. */
import { addDays, daysBetween, type IsoDate } from '../calendar';
import { DomainError, type Refusal } from '../errors';
import type { DepartmentSettings } from '../settings';

/** The NPI check digit is a Luhn digit over the number prefixed with the card issuer code 80840. */
export const isValidNpi = (npi: string): boolean => {
  if (!/^\d{10}$/.test(npi)) return false;
  const digits = `80840${npi}`.split('').map(Number);
  const sum = digits
    .reverse()
    .map((digit, index) => (index % 2 === 1 ? (digit * 2 > 9 ? digit * 2 - 9 : digit * 2) : digit))
    .reduce((total, digit) => total + digit, 0);
  return sum % 10 === 0;
};

/** A letter, a digit, a digit or letter, then optionally a dot and 1–4 more (e.g. M54.50, M79.7, G56.00). */
const icd10CmShape = /^[A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?$/;

export const isIcd10CmShape = (code: string): boolean => icd10CmShape.test(code);

/**
 * The one canonical form of an ICD-10-CM code as typed: trimmed, upper case, and the dot after the
 * category put back when it was left out ("m5450" → "M54.50"). A dot elsewhere stays, so the shape
 * check still refuses it. Events and claims carry this form.
 */
export const normalizeIcd10Cm = (code: string): string => {
  const typed = code.trim().toUpperCase();
  return typed.length > 3 && !typed.includes('.') ? `${typed.slice(0, 3)}.${typed.slice(3)}` : typed;
};

export const npiRefusal = (npi: string, whose = "The referring provider's NPI"): Refusal =>
  isValidNpi(npi) ? undefined : new DomainError('INVALID_NPI', `${whose} is not valid: it must be 10 digits with a correct check digit.`);

/**
 * Checks the codes in their canonical form and names the first of an unknown shape as typed: a
 * diagnosis code is not PHI on its own, and the clinician must find it (docs/clinical-rules.md §2).
 */
export const diagnosisCodesRefusal = (codes: readonly string[]): Refusal => {
  if (codes.length === 0) {
    return new DomainError('INVALID_DIAGNOSIS_CODE', 'A referral needs at least one ICD-10-CM diagnosis code.');
  }
  const offending = codes.find((code) => !isIcd10CmShape(normalizeIcd10Cm(code)));
  return offending === undefined
    ? undefined
    : new DomainError(
        'INVALID_DIAGNOSIS_CODE',
        `Diagnosis code "${offending}" is not an ICD-10-CM code: expected a letter, two characters, then optionally a dot and 1–4 more (e.g. M54.50).`,
        { code: offending },
      );
};

/** The order must not be dated later than the day it is received. */
export const referralDateRefusal = (referralDate: IsoDate, receivedOn: IsoDate): Refusal =>
  daysBetween(receivedOn, referralDate) > 0
    ? new DomainError('REFERRAL_DATE_IN_FUTURE', 'The referral date is in the future; an order cannot be dated after it is received.')
    : undefined;

/** Last day on which care may start under the order; after it the physician must renew the order. */
export const referralValidThrough = (referralDate: IsoDate, settings: DepartmentSettings): IsoDate =>
  addDays(referralDate, settings.referralValidityDays);

/** Care may not start after the order's last valid day; a renewed order restarts the count. */
export const orderExpiredRefusal = (validThrough: IsoDate, onDate: IsoDate, settings: DepartmentSettings): Refusal =>
  daysBetween(validThrough, onDate) > 0
    ? new DomainError(
        'REFERRAL_EXPIRED',
        `The physician's order is older than ${settings.referralValidityDays} days and needs renewal by the referring physician; record the renewed order first.`,
        { validityDays: settings.referralValidityDays },
      )
    : undefined;

export const referralAgeRefusal = (referralDate: IsoDate, onDate: IsoDate, settings: DepartmentSettings): Refusal =>
  orderExpiredRefusal(referralValidThrough(referralDate, settings), onDate, settings);

export interface ReferralOrderFacts {
  readonly referringProviderNpi: string;
  readonly diagnosisCodes: readonly string[];
  readonly referralDate: IsoDate;
}

/** All referral checks, first refusal wins. */
export const referralRefusal = (order: ReferralOrderFacts, receivedOn: IsoDate, settings: DepartmentSettings): Refusal =>
  npiRefusal(order.referringProviderNpi) ??
  diagnosisCodesRefusal(order.diagnosisCodes) ??
  referralDateRefusal(order.referralDate, receivedOn) ??
  referralAgeRefusal(order.referralDate, receivedOn, settings);
