import type { SpecialtyCertificate } from './types';

/** A diagnosis group that asks for a specialty certificate; holding any one of `anyOf` satisfies it. */
export interface SpecialtyNeed {
  readonly reason: string;
  readonly anyOf: readonly SpecialtyCertificate[];
}

/** ICD-10-CM without the dot, upper case: `i89.0` → `I890`. */
const compact = (code: string): string => code.replace('.', '').trim().toUpperCase();

/** Neoplasms C00–D49 (D3A included). */
const isNeoplasm = (code: string): boolean => /^(C|D[0-4])/.test(compact(code));

const startsWithAny =
  (...prefixes: string[]) =>
  (code: string): boolean =>
    prefixes.some((prefix) => compact(code).startsWith(prefix));

const isLymphedema = startsWithAny('I890', 'I972', 'Q820');
const isPregnancy = startsWithAny('O', 'Z33', 'Z34');
const isFibromyalgia = startsWithAny('M797');
const isTemporomandibular = startsWithAny('M266');
const isInjury = startsWithAny('S');

/** Certificates a therapist must hold to take the referral (docs/clinical-rules.md §3). */
export const requiredSpecialtyNeeds = (diagnosisCodes: readonly string[], cancerHistory: boolean): SpecialtyNeed[] => [
  ...(cancerHistory || diagnosisCodes.some(isNeoplasm)
    ? [{ reason: 'neoplasm or cancer history', anyOf: ['oncology-massage'] } as const]
    : []),
  ...(diagnosisCodes.some(isLymphedema) ? [{ reason: 'lymphedema', anyOf: ['manual-lymph-drainage'] } as const] : []),
  ...(diagnosisCodes.some(isPregnancy) ? [{ reason: 'pregnancy', anyOf: ['prenatal'] } as const] : []),
];

/** Certificates that make a therapist a better fit but are not required: they only add to the score. */
export const preferredSpecialtyNeeds = (diagnosisCodes: readonly string[]): SpecialtyNeed[] => [
  ...(diagnosisCodes.some(isFibromyalgia) ? [{ reason: 'fibromyalgia', anyOf: ['orthopedic'] } as const] : []),
  ...(diagnosisCodes.some(isTemporomandibular) ? [{ reason: 'temporomandibular disorder', anyOf: ['orthopedic'] } as const] : []),
  ...(diagnosisCodes.some(isInjury) ? [{ reason: 'sports injury', anyOf: ['sports', 'orthopedic'] } as const] : []),
];

export const certificatesOf = (needs: readonly SpecialtyNeed[]): SpecialtyCertificate[] => [
  ...new Set(needs.flatMap((need) => need.anyOf)),
];
