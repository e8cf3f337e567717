/**
 * Physician certification of the plan of care (CLINICAL-RULES §6).
 * Counting: "within N days of X" allows X + N; a period "of at most 90 calendar days from the first
 * treatment day" counts that day as day 1, so it ends at most on X + 89.
 */
import { addDays, daysBetween, type IsoDate } from '../calendar';
import { DomainError, type Refusal } from '../errors';

export const qualifiedCertifierCredentials = ['MD', 'DO', 'NP', 'PA'] as const;
export type CertifierCredential = (typeof qualifiedCertifierCredentials)[number];

export const certificationWindowDays = 30;
export const verbalOrderSignatureDays = 14;
export const maxCertifiedPeriodDays = 90;

/** Physicians and the practitioners who may act for them; a chiropractor (DC) is not one. */
export const isQualifiedCertifier = (credential: string): boolean =>
  (qualifiedCertifierCredentials as readonly string[]).includes(credential.trim().toUpperCase());

export const certifierRefusal = (credential: string): Refusal =>
  isQualifiedCertifier(credential)
    ? undefined
    : new DomainError(
        'CERTIFIER_NOT_QUALIFIED',
        `A plan of care is certified by an MD, DO, NP or PA; a ${credential.trim()} cannot certify it.`,
        { credential: credential.trim() },
      );

/** Last day a certification is timely: 30 days after the first treatment day. */
export const certificationDueOn = (firstTreatmentDay: IsoDate): IsoDate => addDays(firstTreatmentDay, certificationWindowDays);

/** Last day a verbal order may be signed on time. */
export const verbalOrderSignatureDueOn = (orderedOn: IsoDate): IsoDate => addDays(orderedOn, verbalOrderSignatureDays);

export const isOnOrBefore = (date: IsoDate, lastDay: IsoDate): boolean => daysBetween(date, lastDay) >= 0;

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
export type CertificationStanding = 'certified' | 'awaiting-certification' | 'delinquent';
