/**
 * Routing a referral to a therapist (docs/clinical-rules.md §3).
 * - `rankTherapists(request, therapists, settings)`: eligibility, score and explanation per candidate.
 * - `nextRoutingStep(decision, attemptedTherapistIds, settings)`: next offer or escalation to the lead.
 * - `routingOfferDeadline(offeredAt, settings)`: when an unanswered offer lapses.
 * - `requiredSpecialtyNeeds` / `preferredSpecialtyNeeds`: which certificates a diagnosis asks for.
 * Everything returned is plain JSON data, fit to be carried in events.
 */
export { rankTherapists } from './rank';
export { nextRoutingStep, routingOfferDeadline } from './next-step';
export { requiredSpecialtyNeeds, preferredSpecialtyNeeds, type SpecialtyNeed } from './specialties';
export {
  defaultRoutingSettings,
  specialtyCertificates,
  type CandidateAssessment,
  type EscalationReason,
  type HeldCertificate,
  type ExclusionRule,
  type RoutingDecision,
  type RoutingRequest,
  type RoutingSettings,
  type RoutingStep,
  type SpecialtyCertificate,
  type TherapistLicense,
  type TherapistProfile,
} from './types';
