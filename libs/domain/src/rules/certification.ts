/**
 * Physician certification of the plan of care (docs/clinical-rules.md §6).
 * Counting: "within N days of X" allows X + N; a period "of at most 90 calendar days from the first
 * treatment day" counts that day as day 1, so it ends at most on X + 89.
 */
import { addDays, daysBetween, type IsoDate } from '../calendar';
import { DomainError, type Refusal } from '../errors';
import { npiRefusal } from './referral';

const qualifiedCertifierCredentials = ['MD', 'DO', 'NP', 'PA'] as const;
export type CertifierCredential = (typeof qualifiedCertifierCredentials)[number];

const certificationWindowDays = 30;
const verbalOrderSignatureDays = 14;
export const maxCertifiedPeriodDays = 90;

/**
 * The one canonical form of a credential as written on an order or a signature: dots and spaces
 * dropped, upper case, several degrees separated by ", " ("M.D." and "md" → "MD", "MD, PhD" →
 * "MD, PHD", "pa-c" → "PA-C"). Events store this form.
 */
export const normalizeCredential = (credential: string): string =>
  credential
    .replace(/\./g, '')
    .split(/[\s,;/]+/)
    .filter((degree) => degree.length > 0)
    .map((degree) => degree.toUpperCase())
    .join(', ');

/** The practitioner as events keep them: with the canonical credential. */
export const withCanonicalCredential = <P extends { readonly credential: string }>(practitioner: P): P => ({
  ...practitioner,
  credential: normalizeCredential(practitioner.credential),
});

/** Degrees that name a qualified certifier under another spelling: a certified PA signs "PA-C". */
const certifierDegreeAliases: Readonly<Record<string, CertifierCredential>> = { 'PA-C': 'PA' };

const qualifyingDegree = (degree: string): CertifierCredential | undefined =>
  qualifiedCertifierCredentials.find((credential) => credential === degree) ?? certifierDegreeAliases[degree];

/**
 * Physicians and the practitioners who may act for them; a chiropractor (DC) is not one. One
 * qualifying degree is enough, so an MD who also holds a DC may certify.
 */
export const isQualifiedCertifier = (credential: string): boolean =>
  normalizeCredential(credential)
    .split(', ')
    .some((degree) => qualifyingDegree(degree) !== undefined);

/** The credential is not echoed: it came from outside and the rule, not the value, is what matters. */
export const certifierRefusal = (credential: string): Refusal =>
  isQualifiedCertifier(credential)
    ? undefined
    : new DomainError(
        'CERTIFIER_NOT_QUALIFIED',
        'A plan of care or an order is signed by an MD, DO, NP or PA; a chiropractor or another practitioner cannot sign it.',
      );

/** Who signs a certification or renews an order: a qualified credential and a valid NPI. */
export const signingPractitionerRefusal = (practitioner: { readonly npi: string; readonly credential: string }): Refusal =>
  certifierRefusal(practitioner.credential) ?? npiRefusal(practitioner.npi, "The signing practitioner's NPI");

/** Last day a certification is timely: 30 days after the first treatment day. */
export const certificationDueOn = (firstTreatmentDay: IsoDate): IsoDate => addDays(firstTreatmentDay, certificationWindowDays);

/** Last day a verbal order may be signed on time. */
export const verbalOrderSignatureDueOn = (orderedOn: IsoDate): IsoDate => addDays(orderedOn, verbalOrderSignatureDays);

export const isOnOrBefore = (date: IsoDate, lastDay: IsoDate): boolean => daysBetween(date, lastDay) >= 0;

/** A session on `date` falls after the certified period that ends on `periodEnd` (no session then until recertified). */
export const isPastCertifiedPeriod = (periodEnd: IsoDate, date: IsoDate): boolean => !isOnOrBefore(date, periodEnd);

/** Last day of a certified period that starts on `start` for a plan of `durationWeeks`, capped at 90 days. */
export const certifiedPeriodEnd = (start: IsoDate, durationWeeks: number): IsoDate =>
  addDays(start, Math.min(durationWeeks * 7, maxCertifiedPeriodDays) - 1);

/**
 * A recertification continues the day after the current period ends; signed later (a gap) or for a
 * material change of the plan, the new period starts on the day it is signed.
 */
export const recertifiedPeriodStart = (currentEnd: IsoDate, signedOn: IsoDate, materialChange: boolean): IsoDate => {
  const dayAfter = addDays(currentEnd, 1);
  return materialChange || daysBetween(dayAfter, signedOn) > 0 ? signedOn : dayAfter;
};

/** What a session's charges carry about the plan's certification on the day of service. */
export const certificationStandings = ['certified', 'awaiting-certification', 'delinquent'] as const;
export type CertificationStanding = (typeof certificationStandings)[number];
