import { billingRelevantChanges, billingRelevantLineChanges, requiresCorrectedClaim, type SessionBillingFacts } from './index';

const massageLine = { code: '97124', minutes: 20, bodyRegions: ['lumbar'], diagnosisCodes: ['M54.50'] } as const;
const manualLine = { code: '97140', minutes: 15, bodyRegions: ['cervical'] } as const;

const billedSession: SessionBillingFacts = {
  serviceDate: '2025-06-10',
  renderingTherapistId: 'therapist-1',
  lines: [massageLine, manualLine],
};

describe('corrected claims after an addendum', () => {
  it('given an addendum that changes nothing billing-relevant, when compared, then no corrected claim', () => {
    const reordered: SessionBillingFacts = {
      ...billedSession,
      lines: [
        { code: '97140', minutes: 10, bodyRegions: ['Cervical'] },
        { code: '97124', minutes: 20, bodyRegions: ['lumbar'], diagnosisCodes: ['m54.50'] },
        { code: '97140', minutes: 5, bodyRegions: [] },
      ],
    };
    expect(billingRelevantChanges(billedSession, reordered)).toEqual([]);
    expect(requiresCorrectedClaim(true, billedSession, reordered)).toBe(false);
  });

  it.each([
    ['serviceDate', { serviceDate: '2025-06-11' }],
    ['renderingTherapist', { renderingTherapistId: 'therapist-2' }],
    ['codes', { lines: [massageLine, manualLine, { code: '97112', minutes: 8, bodyRegions: ['lumbar'] }] }],
    ['minutes', { lines: [{ ...massageLine, minutes: 25 }, manualLine] }],
    ['bodyRegions', { lines: [massageLine, { ...manualLine, bodyRegions: ['thoracic'] }] }],
    ['diagnoses', { lines: [{ ...massageLine, diagnosisCodes: ['M54.2'] }, manualLine] }],
  ] as const)('given an addendum changing %s of a billed session, when compared, then a corrected claim is required', (field, change) => {
    const amended = { ...billedSession, ...change } as SessionBillingFacts;
    expect(billingRelevantChanges(billedSession, amended)).toEqual([field]);
    expect(requiresCorrectedClaim(true, billedSession, amended)).toBe(true);
  });

  it('given a session not yet billed, when a billing-relevant field changes, then no corrected claim', () => {
    expect(requiresCorrectedClaim(false, billedSession, { ...billedSession, serviceDate: '2025-06-11' })).toBe(false);
  });

  it('given a code replaced by another, when compared, then codes changed and common codes compared on their own', () => {
    const amended: SessionBillingFacts = { ...billedSession, lines: [{ ...massageLine, code: '97530' }, manualLine] };
    expect(billingRelevantChanges(billedSession, amended)).toEqual(['codes']);
  });

  it('given only the lines of a session, when a correction changes minutes and regions, then both are named', () => {
    expect(
      billingRelevantLineChanges(
        [{ code: '97140', minutes: 15, bodyRegions: ['cervical'] }],
        [{ code: '97140', minutes: 20, bodyRegions: ['thoracic'] }],
      ),
    ).toEqual(['minutes', 'bodyRegions']);
  });
});
