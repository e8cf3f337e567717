import { addHours, type IsoInstant } from '../calendar';
import type { RoutingDecision, RoutingSettings, RoutingStep } from './types';

/**
 * What to do after routing or after an offer was declined or timed out: offer to the best candidate
 * not yet tried, or escalate to the department lead when nobody is eligible, when `maxOffers`
 * candidates have declined or let the offer lapse, or when every eligible candidate has been tried.
 */
export const nextRoutingStep = (
  decision: RoutingDecision,
  attemptedTherapistIds: readonly string[],
  settings: RoutingSettings,
): RoutingStep => {
  if (decision.ranked.length === 0) return { kind: 'escalate', reason: 'no-eligible-therapist' };
  const attempted = new Set(attemptedTherapistIds);
  if (attempted.size >= settings.maxOffers) return { kind: 'escalate', reason: 'offer-limit-reached' };
  const next = decision.ranked.find((candidate) => !attempted.has(candidate.therapistId));
  return next ? { kind: 'offer', therapistId: next.therapistId } : { kind: 'escalate', reason: 'candidates-exhausted' };
};

/** When an offer made at `offeredAt` lapses and goes to the next candidate. */
export const routingOfferDeadline = (offeredAt: IsoInstant, settings: RoutingSettings): IsoInstant =>
  addHours(offeredAt, settings.offerTimeoutHours);
