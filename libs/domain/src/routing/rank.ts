import { compareDates } from '../calendar';
import { certificatesOf, preferredSpecialtyNeeds, requiredSpecialtyNeeds, type SpecialtyNeed } from './specialties';
import type { CandidateAssessment, ExclusionRule, RoutingDecision, RoutingRequest, RoutingSettings, TherapistProfile } from './types';

/** Points each part of the score can earn; together 100. */
const routingScoreWeights = { specialtyFit: 30, continuity: 25, load: 25, availability: 20 } as const;

type Exclusion = { rule: ExclusionRule; detail: string };

const roundPoints = (points: number): number => Math.round(points * 100) / 100;
const clamp01 = (value: number): number => Math.min(1, Math.max(0, value));

const caseloadLimitOf = (therapist: TherapistProfile, settings: RoutingSettings): number =>
  therapist.caseloadLimit ?? settings.caseloadLimit;

/**
 * A license must be valid in the patient's state on the referral date and through the whole expected
 * plan. Details name no dates: they are the patient's and the request already holds them.
 */
const licenseExclusion = (therapist: TherapistProfile, request: RoutingRequest): Exclusion | undefined => {
  const state = request.patientState.trim().toUpperCase();
  const inState = therapist.licenses.filter((license) => license.state.trim().toUpperCase() === state);
  if (inState.length === 0) return { rule: 'no-license-in-state', detail: `no license in ${state}` };
  const validThrough = (date: string) => inState.some((license) => compareDates(license.expiresOn, date) >= 0);
  if (!validThrough(request.referralDate)) {
    return {
      rule: 'license-expired-on-referral-date',
      detail: `${state} license not valid on the referral date`,
    };
  }
  if (!validThrough(request.expectedPlanEnd)) {
    return {
      rule: 'license-expires-before-plan-end',
      detail: `${state} license expires before the expected plan end`,
    };
  }
  return undefined;
};

const holdsCertificateFor = (therapist: TherapistProfile, need: SpecialtyNeed, validOn: string): boolean =>
  therapist.specialtyCertificates.some((held) => need.anyOf.includes(held.certificate) && compareDates(held.expiresOn, validOn) >= 0);

/**
 * A required certificate, like a license, must be valid on the referral date and through the expected
 * plan end; an expired one excludes the therapist with that reason rather than as missing.
 */
const certificateExclusions = (therapist: TherapistProfile, request: RoutingRequest, required: readonly SpecialtyNeed[]): Exclusion[] =>
  required
    .filter((need) => !holdsCertificateFor(therapist, need, request.expectedPlanEnd))
    .map((need): Exclusion => {
      const certificates = need.anyOf.join(' or ');
      if (!therapist.specialtyCertificates.some((held) => need.anyOf.includes(held.certificate))) {
        return { rule: 'missing-required-certificate', detail: `${need.reason} requires ${certificates}` };
      }
      return holdsCertificateFor(therapist, need, request.referralDate)
        ? { rule: 'certificate-expires-before-plan-end', detail: `${certificates} certificate expires before the expected plan end` }
        : { rule: 'certificate-expired-on-referral-date', detail: `${certificates} certificate not valid on the referral date` };
    });

const caseloadExclusion = (therapist: TherapistProfile, settings: RoutingSettings): Exclusion | undefined => {
  const limit = caseloadLimitOf(therapist, settings);
  return therapist.activeEpisodeCount < limit
    ? undefined
    : { rule: 'caseload-full', detail: `caseload ${therapist.activeEpisodeCount} of ${limit} active episodes` };
};

const assess = (
  therapist: TherapistProfile,
  request: RoutingRequest,
  settings: RoutingSettings,
  required: readonly SpecialtyNeed[],
  preferred: readonly SpecialtyNeed[],
): CandidateAssessment => {
  const exclusions = [
    licenseExclusion(therapist, request),
    ...certificateExclusions(therapist, request, required),
    caseloadExclusion(therapist, settings),
  ].filter((exclusion): exclusion is Exclusion => exclusion !== undefined);

  const met = preferred.filter((need) => holdsCertificateFor(therapist, need, request.expectedPlanEnd));
  const limit = caseloadLimitOf(therapist, settings);
  const freeShare = limit > 0 ? clamp01(1 - therapist.activeEpisodeCount / limit) : 0;
  const treatedBefore = request.previousTherapistIds.includes(therapist.therapistId);

  const parts = {
    specialtyFit: preferred.length === 0 ? 0 : roundPoints((routingScoreWeights.specialtyFit * met.length) / preferred.length),
    continuity: treatedBefore ? routingScoreWeights.continuity : 0,
    load: roundPoints(routingScoreWeights.load * freeShare),
    availability: roundPoints(routingScoreWeights.availability * clamp01(therapist.availability)),
  };
  const specialtyReason =
    met.length === 0
      ? 'specialty fit +0: holds none of the preferred certificates'
      : `specialty fit +${parts.specialtyFit}: preferred for ${met.map((need) => need.reason).join(', ')}`;
  const reasons = [
    ...(preferred.length === 0 ? [] : [specialtyReason]),
    treatedBefore
      ? `continuity +${parts.continuity}: treated this patient in an earlier episode`
      : 'continuity +0: no earlier episode with this patient',
    `load +${parts.load}: ${therapist.activeEpisodeCount} of ${limit} active episodes`,
    `availability +${parts.availability}: ${Math.round(clamp01(therapist.availability) * 100)}% of schedule open`,
  ];
  return {
    therapistId: therapist.therapistId,
    eligible: exclusions.length === 0,
    score: roundPoints(parts.specialtyFit + parts.continuity + parts.load + parts.availability),
    reasons,
    exclusions,
  };
};

/** Best first; equal scores fall back to the therapist id so the order never depends on input order. */
const byScoreThenId = (a: CandidateAssessment, b: CandidateAssessment): number => b.score - a.score || byId(a, b);

/** Code-unit order, not locale order, so every machine ranks alike. */
const byId = (a: CandidateAssessment, b: CandidateAssessment): number =>
  Number(a.therapistId > b.therapistId) - Number(a.therapistId < b.therapistId);

/** Says where an eligible candidate stands, and when a tie decided it. */
const withRank = (candidate: CandidateAssessment, index: number, ranked: readonly CandidateAssessment[]): CandidateAssessment => {
  const tied = ranked.some((other) => other !== candidate && other.score === candidate.score);
  const standing = `ranked ${index + 1} of ${ranked.length} with score ${candidate.score}`;
  const rankReason = tied ? `${standing} (equal scores ordered by therapist id)` : standing;
  return { ...candidate, reasons: [rankReason, ...candidate.reasons] };
};

/**
 * Assesses every therapist for a referral (docs/clinical-rules.md §3): eligibility by license, required
 * certificate and caseload; a score from specialty fit, continuity, load and availability; and an
 * explanation for each. Therapist ids are assumed unique.
 */
export const rankTherapists = (
  request: RoutingRequest,
  therapists: readonly TherapistProfile[],
  settings: RoutingSettings,
): RoutingDecision => {
  const required = requiredSpecialtyNeeds(request.diagnosisCodes, request.cancerHistory);
  const preferred = preferredSpecialtyNeeds(request.diagnosisCodes);
  const assessments = therapists.map((therapist) => assess(therapist, request, settings, required, preferred));
  const eligible = assessments.filter((candidate) => candidate.eligible).sort(byScoreThenId);
  return {
    ranked: eligible.map((candidate, index) => withRank(candidate, index, eligible)),
    excluded: assessments.filter((candidate) => !candidate.eligible).sort(byId),
    requiredCertificates: certificatesOf(required),
    preferredCertificates: certificatesOf(preferred),
  };
};
