import { defaultRoutingSettings, nextRoutingStep, routingOfferDeadline, type CandidateAssessment, type RoutingDecision } from './index';

const candidate = (therapistId: string): CandidateAssessment => ({ therapistId, eligible: true, score: 50, reasons: [], exclusions: [] });

const decision = (...ranked: string[]): RoutingDecision => ({
  ranked: ranked.map(candidate),
  excluded: [],
  requiredCertificates: [],
  preferredCertificates: [],
});

describe('next routing step', () => {
  it('given nobody eligible, when routing starts, then the referral escalates to the department lead', () => {
    expect(nextRoutingStep(decision(), [], defaultRoutingSettings)).toEqual({ kind: 'escalate', reason: 'no-eligible-therapist' });
  });

  it('given ranked candidates, when routing starts, then the best is offered', () => {
    expect(nextRoutingStep(decision('a', 'b', 'c', 'd'), [], defaultRoutingSettings)).toEqual({ kind: 'offer', therapistId: 'a' });
  });

  it('given the best declined or let the offer lapse, when routing continues, then the next candidate is offered', () => {
    expect(nextRoutingStep(decision('a', 'b', 'c', 'd'), ['a'], defaultRoutingSettings)).toEqual({ kind: 'offer', therapistId: 'b' });
  });

  it('given two declines, when routing continues, then the third candidate is still offered', () => {
    expect(nextRoutingStep(decision('a', 'b', 'c', 'd'), ['a', 'b'], defaultRoutingSettings)).toEqual({ kind: 'offer', therapistId: 'c' });
  });

  it('given three declines or timeouts, when routing continues, then it escalates although candidates remain', () => {
    expect(nextRoutingStep(decision('a', 'b', 'c', 'd'), ['a', 'b', 'c'], defaultRoutingSettings)).toEqual({
      kind: 'escalate',
      reason: 'offer-limit-reached',
    });
  });

  it('given the same therapist recorded twice, when counting attempts, then they count once', () => {
    expect(nextRoutingStep(decision('a', 'b', 'c', 'd'), ['a', 'a', 'b'], defaultRoutingSettings)).toEqual({
      kind: 'offer',
      therapistId: 'c',
    });
  });

  it('given every eligible candidate declined before the limit, when routing continues, then it escalates as exhausted', () => {
    expect(nextRoutingStep(decision('a', 'b'), ['b', 'a'], defaultRoutingSettings)).toEqual({
      kind: 'escalate',
      reason: 'candidates-exhausted',
    });
  });

  it('given a department allowing five offers, when four declined, then the fifth is offered', () => {
    const settings = { ...defaultRoutingSettings, maxOffers: 5 };
    expect(nextRoutingStep(decision('a', 'b', 'c', 'd', 'e'), ['a', 'b', 'c', 'd'], settings)).toEqual({ kind: 'offer', therapistId: 'e' });
  });
});

describe('offer deadline', () => {
  it('given an offer made now, when asked for its deadline, then it lapses after the configured hours', () => {
    expect(routingOfferDeadline('2025-03-01T10:00:00.000Z', defaultRoutingSettings)).toBe('2025-03-02T10:00:00.000Z');
    expect(routingOfferDeadline('2025-03-01T10:00:00.000Z', { ...defaultRoutingSettings, offerTimeoutHours: 4 })).toBe(
      '2025-03-01T14:00:00.000Z',
    );
  });
});
