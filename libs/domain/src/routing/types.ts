import type { z } from 'zod';
import type { IsoDate } from '../calendar';
import { decimal, identifier, integer, isoDate, list, oneOf, record, shortText } from '../validation';

/** Department settings for routing (docs/clinical-rules.md §3). */
export interface RoutingSettings {
  /** Active episodes a therapist may carry; a therapist's own limit overrides it. */
  readonly caseloadLimit: number;
  /** How long an offer waits for an answer before it goes to the next candidate. */
  readonly offerTimeoutHours: number;
  /** Declines or timeouts after which the referral goes to the department lead. */
  readonly maxOffers: number;
}

export const defaultRoutingSettings: RoutingSettings = { caseloadLimit: 25, offerTimeoutHours: 24, maxOffers: 3 };

export const specialtyCertificates = [
  'oncology-massage',
  'manual-lymph-drainage',
  'prenatal',
  'geriatric',
  'sports',
  'orthopedic',
] as const;
export type SpecialtyCertificate = (typeof specialtyCertificates)[number];

const stateCode = identifier(2).meta({ description: 'Two-letter state code.' });

/** A specialty certificate as the therapist holds it; it counts only while valid. */
export const heldCertificateSchema = record({ certificate: oneOf(specialtyCertificates), expiresOn: isoDate });
export type HeldCertificate = z.infer<typeof heldCertificateSchema>;

export const therapistLicenseSchema = record({ state: stateCode, number: identifier(), expiresOn: isoDate });
export type TherapistLicense = z.infer<typeof therapistLicenseSchema>;

export const therapistProfileSchema = record({
  therapistId: identifier(),
  departmentId: identifier(),
  licenses: list(therapistLicenseSchema, { max: 60 }),
  boardCertifications: list(shortText, { max: 20 }).meta({ description: 'e.g. NCBTMB.' }),
  specialtyCertificates: list(heldCertificateSchema, { max: 60 }),
  activeEpisodeCount: integer(0, 10_000),
  caseloadLimit: integer(0, 10_000).optional().meta({ description: "Overrides the department's caseload limit for this therapist." }),
  availability: decimal(0, 1).meta({ description: 'Share of open schedule, 0 (fully booked) to 1 (free).' }),
});
export type TherapistProfile = z.infer<typeof therapistProfileSchema>;

/** What routing needs to know about a referral; no patient identity. */
export interface RoutingRequest {
  readonly patientState: string;
  readonly referralDate: IsoDate;
  readonly expectedPlanEnd: IsoDate;
  readonly diagnosisCodes: readonly string[];
  /** The referral's own cancer history; routing then requires an oncology massage certificate. */
  readonly cancerHistory: boolean;
  /** Therapists who treated this patient in earlier episodes (continuity of care). */
  readonly previousTherapistIds: readonly string[];
}

export type ExclusionRule =
  | 'no-license-in-state'
  | 'license-expired-on-referral-date'
  | 'license-expires-before-plan-end'
  | 'missing-required-certificate'
  | 'certificate-expired-on-referral-date'
  | 'certificate-expires-before-plan-end'
  | 'caseload-full';

export interface CandidateAssessment {
  readonly therapistId: string;
  readonly eligible: boolean;
  /** 0–100; also computed for excluded candidates so the record shows the whole picture. */
  readonly score: number;
  /** Score parts, and for the chosen why they rank where they do. */
  readonly reasons: string[];
  /** Empty when eligible. */
  readonly exclusions: Array<{ rule: ExclusionRule; detail: string }>;
}

export interface RoutingDecision {
  /** Eligible candidates, best first (score, then therapist id). */
  readonly ranked: CandidateAssessment[];
  /** Ineligible candidates ordered by therapist id, each with why. */
  readonly excluded: CandidateAssessment[];
  readonly requiredCertificates: SpecialtyCertificate[];
  readonly preferredCertificates: SpecialtyCertificate[];
}

export type EscalationReason = 'no-eligible-therapist' | 'offer-limit-reached' | 'candidates-exhausted';

export type RoutingStep =
  { readonly kind: 'offer'; readonly therapistId: string } | { readonly kind: 'escalate'; readonly reason: EscalationReason };
