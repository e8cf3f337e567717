/**
 * Every Bundle the mapping emits, and inbound referrals good and bad, checked by the real HAPI FHIR R4
 * validator of the local stack (infra/local/stack up fhir-validator; FHIR_VALIDATOR_URL from `stack env`).
 * Errors fail; warnings are allowed only of the kinds docs/fhir.md explains.
 */
import type { Bundle, Goal, OperationOutcome, OperationOutcomeIssue } from 'fhir/r4';
import { episodeBundle } from './episode-bundle';
import { referralFromFhir } from './referral-in';
import * as e from './testing/episodes';
import * as r from './testing/referrals';
import { describeIssue, errorsOf, validate } from './testing/validator';

const generatedAt = '2025-04-01T10:00:00.000Z';

/**
 * Warnings the validator gives every correct Bundle of ours: no narrative (dom-6, a best practice),
 * codes of code systems it cannot check offline (ICD-10-CM, LOINC, CPT, Careflow's own), and UCUM's
 * `{score}` annotation, which LOINC itself gives as the unit of these scores.
 */
const expectedWarnings = [
  'http://hl7.org/fhir/StructureDefinition/DomainResource#dom-6',
  'Terminology_PassThrough_TX_Message',
  'TYPE_SPECIFIC_CHECKS_DT_QTY_UCUM_ANNOTATIONS',
];

const messageId = (issue: OperationOutcomeIssue): string | undefined =>
  issue.extension?.find((extension) => extension.url.endsWith('operationoutcome-message-id'))?.valueString;

const unexpectedWarnings = (outcome: OperationOutcome): string[] =>
  outcome.issue.filter((issue) => issue.severity === 'warning' && !expectedWarnings.includes(messageId(issue) ?? '')).map(describeIssue);

const episodes = {
  'just received': e.receivedEpisode,
  declined: e.declinedEpisode,
  'on hold after a re-evaluation': e.onHoldEpisode,
  'discharged, with charges and notices': e.dischargedEpisode,
};

describe('the HAPI FHIR validator accepts every Bundle the mapping emits', () => {
  it.each(Object.entries(episodes))('an episode %s', async (_name, events) => {
    const bundle = episodeBundle({ episodeId: `episode-${_name}`, events: events(), charges: e.dischargedCharges, generatedAt });
    const outcome = await validate(bundle);
    expect(errorsOf(outcome)).toEqual([]);
    expect(unexpectedWarnings(outcome)).toEqual([]);
  });

  it('and refuses one whose invariant is broken (the check can fail)', async () => {
    const bundle: Bundle = episodeBundle({ episodeId: 'episode-broken', events: e.dischargedEpisode(), charges: [], generatedAt });
    const goal = bundle.entry?.find((entry) => entry.resource?.resourceType === 'Goal')?.resource as Goal;
    // gol-1: a target with a detail needs its measure.
    goal.target = goal.target?.map(({ measure: _measure, ...target }) => target);
    const outcome = await validate(bundle);
    expect(errorsOf(outcome)).toEqual([expect.stringContaining('gol-1')]);
  });
});

describe('inbound referrals through the validator and the mapping', () => {
  it.each([
    ['a transaction Bundle', r.referralBundle()],
    ['a ServiceRequest with contained resources', r.containedReferral()],
  ])('%s is valid FHIR and maps to a referral', async (_name, resource) => {
    const outcome = await validate(resource);
    expect(errorsOf(outcome)).toEqual([]);
    expect(unexpectedWarnings(outcome)).toEqual([]);
    expect(referralFromFhir(resource)).toEqual({ referral: expect.objectContaining({ referralId: 'referral-1' }) });
  });

  it("a bad ServiceRequest is refused, the validator's findings named element by element", async () => {
    const bad = { ...r.containedReferral(), status: 'sent', priority: undefined, requisitionNote: 'not FHIR' } as Record<string, unknown>;
    delete bad['intent'];
    const outcome = await validate(bad);
    // An unknown property, a missing mandatory element (1..1) and a code outside a required binding.
    const errors = errorsOf(outcome);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^error at ServiceRequest: Unrecognized property 'requisitionNote'/),
        expect.stringMatching(/^error at ServiceRequest: ServiceRequest\.intent: minimum required = 1, but only found 0/),
        expect.stringMatching(/^error at ServiceRequest\.status: .*not found in the value set 'RequestStatus'.*a code is required/),
      ]),
    );
    expect(errors.filter((error) => !error.startsWith('error at ServiceRequest'))).toEqual([]);
    const mapped = referralFromFhir(bad);
    expect('problems' in mapped ? mapped.problems.map((problem) => problem.location) : []).toEqual([
      'ServiceRequest.status',
      'ServiceRequest.intent',
    ]);
  });
});
