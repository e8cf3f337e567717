import type {
  Bundle,
  ChargeItem,
  Communication,
  EpisodeOfCare,
  FhirResource,
  Goal,
  Observation,
  Patient,
  Reference,
  ServiceRequest,
  Task,
} from 'fhir/r4';
import * as f from '@careflow/domain/testing';
import { episodeBundle } from './episode-bundle';
import { referralFromFhir } from './referral-in';
import * as e from './testing/episodes';

const generatedAt = '2025-04-01T10:00:00.000Z';

const bundleOf = (events: Parameters<typeof episodeBundle>[0]['events'], charges = e.dischargedCharges, episodeId = 'episode-1') =>
  episodeBundle({ episodeId, events, charges, generatedAt });

const resources = <T extends FhirResource>(bundle: Bundle, resourceType: T['resourceType']): T[] =>
  (bundle.entry ?? []).flatMap((entry) => (entry.resource?.resourceType === resourceType ? [entry.resource as T] : []));

const one = <T extends FhirResource>(bundle: Bundle, resourceType: T['resourceType']): T => {
  const [found, ...more] = resources<T>(bundle, resourceType);
  if (found === undefined || more.length > 0) throw new Error(`expected one ${resourceType}`);
  return found;
};

const fullUrlOf = (bundle: Bundle, resource: FhirResource): string | undefined =>
  bundle.entry?.find((entry) => entry.resource === resource)?.fullUrl;

/** Every `reference` anywhere in a resource. */
const referencesIn = (value: unknown): string[] => {
  if (Array.isArray(value)) return value.flatMap(referencesIn);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === 'reference' && typeof inner === 'string' ? [inner] : referencesIn(inner),
  );
};

describe('episodeBundle: a discharged episode', () => {
  const bundle = bundleOf(e.dischargedEpisode());

  it('is a collection Bundle with one resource of each kind per clinical fact', () => {
    expect({ type: bundle.type, timestamp: bundle.timestamp }).toEqual({ type: 'collection', timestamp: generatedAt });
    const counts = (bundle.entry ?? []).reduce<Record<string, number>>((all, entry) => {
      const type = entry.resource?.resourceType ?? 'none';
      return { ...all, [type]: (all[type] ?? 0) + 1 };
    }, {});
    expect(counts).toEqual({
      Patient: 1,
      Practitioner: 2, // the referring physician (who also certified) and therapist t-1
      Coverage: 1,
      Condition: 1,
      ServiceRequest: 1,
      EpisodeOfCare: 1,
      Task: 1,
      Observation: 6, // NPRS and ODI at the assessment, the progress report and discharge
      Goal: 2,
      CarePlan: 1,
      Encounter: 5, // four sessions and the cancelled visit
      Procedure: 4,
      ChargeItem: 3,
      Communication: 3, // referral accepted, progress report, discharge summary
    });
  });

  it('resolves every reference inside the Bundle', () => {
    const fullUrls = new Set((bundle.entry ?? []).map((entry) => entry.fullUrl));
    const unresolved = referencesIn(bundle.entry?.map((entry) => entry.resource)).filter((reference) => !fullUrls.has(reference));
    expect(unresolved).toEqual([]);
  });

  it('states the patient, and keeps the MRN out of every URL', () => {
    expect(one<Patient>(bundle, 'Patient')).toEqual({
      resourceType: 'Patient',
      identifier: [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] }, value: 'mrn-1' }],
      name: [{ text: 'Test Patient' }],
      gender: 'female',
      birthDate: '1970-01-01',
      address: [{ use: 'home', state: 'MD', country: 'US' }],
    });
    expect((bundle.entry ?? []).map((entry) => entry.fullUrl).join(' ')).not.toMatch(/mrn|episode-1/);
  });

  it('closes the episode, the request, the plan and the referral task', () => {
    const episode = one<EpisodeOfCare>(bundle, 'EpisodeOfCare');
    expect(episode).toMatchObject({
      status: 'finished',
      identifier: [{ system: 'urn:careflow:episode-id', value: 'episode-1' }],
      period: { start: f.at('2025-03-03', '09:00'), end: f.at('2025-03-20', '18:00') },
    });
    expect(one<ServiceRequest>(bundle, 'ServiceRequest').status).toBe('completed');
    expect(one<Task>(bundle, 'Task')).toMatchObject({ status: 'completed', businessStatus: { text: 'discharged' }, intent: 'order' });
    expect(resources(bundle, 'CarePlan')).toEqual([
      expect.objectContaining({ status: 'completed', period: { start: '2025-03-05', end: '2025-04-29' } }),
    ]);
  });

  it('gives each goal its target, its achievement at discharge and its measurements', () => {
    const goals = resources<Goal>(bundle, 'Goal');
    expect(goals.map((goal) => [goal.identifier?.[0]?.value, goal.lifecycleStatus, goal.achievementStatus?.coding?.[0]?.code])).toEqual([
      ['goal-pain', 'completed', 'achieved'],
      ['goal-function', 'completed', 'achieved'],
    ]);
    expect(goals[0]?.target?.[0]).toMatchObject({ detailQuantity: { value: 2, code: '{score}' }, dueDate: '2025-04-28' });
    expect(goals[0]?.outcomeReference).toHaveLength(3);
  });

  it('codes outcome measures in LOINC where LOINC has a code', () => {
    const observations = resources<Observation>(bundle, 'Observation');
    expect(observations.map((o) => [o.code.coding?.map((c) => c.code).join('+'), o.effectiveDateTime, o.valueQuantity?.value])).toEqual([
      ['72514-3+NPRS', '2025-03-05', 7],
      ['97909-6+ODI', '2025-03-05', 40],
      ['72514-3+NPRS', '2025-03-14', 5],
      ['97909-6+ODI', '2025-03-14', 32],
      ['72514-3+NPRS', '2025-03-20', 2],
      ['97909-6+ODI', '2025-03-20', 18],
    ]);
  });

  it('puts charges on the encounter of their day, or on the episode when no session was that day', () => {
    const charges = resources<ChargeItem>(bundle, 'ChargeItem');
    const contextType = (reference: Reference | undefined) =>
      bundle.entry?.find((entry) => entry.fullUrl === reference?.reference)?.resource?.resourceType;
    expect(
      charges.map((charge) => [charge.code.coding?.[0]?.code, charge.status, contextType(charge.context), charge.priceOverride?.value]),
    ).toEqual([
      ['97162', 'billed', 'EpisodeOfCare', 120],
      ['97140', 'billed', 'Encounter', 84],
      ['97140', 'billable', 'Encounter', 84],
    ]);
  });

  it('sends each closed-loop notice to the referring physician', () => {
    const notices = resources<Communication>(bundle, 'Communication');
    const physician = fullUrlOf(bundle, resources(bundle, 'Practitioner')[0] as FhirResource);
    expect(notices.map((notice) => [notice.topic?.coding?.[0]?.code, notice.recipient?.[0]?.reference])).toEqual([
      ['referral-accepted', physician],
      ['progress-report', physician],
      ['discharge-summary', physician],
    ]);
  });

  it('is the same Bundle for the same events, and another for another episode', () => {
    expect(bundleOf(e.dischargedEpisode())).toEqual(bundle);
    const other = bundleOf(e.dischargedEpisode(), e.dischargedCharges, 'episode-2');
    expect(other.entry?.[0]?.fullUrl).not.toBe(bundle.entry?.[0]?.fullUrl);
  });
});

describe('episodeBundle: episodes on the way', () => {
  it('a referral just received: the referral task is received, nothing clinical yet', () => {
    const bundle = bundleOf(e.receivedEpisode(), []);
    expect(one<Task>(bundle, 'Task').status).toBe('received');
    expect(one<EpisodeOfCare>(bundle, 'EpisodeOfCare').status).toBe('planned');
    expect(
      ['CarePlan', 'Goal', 'Encounter', 'Procedure', 'Observation', 'ChargeItem'].flatMap((type) =>
        resources(bundle, type as FhirResource['resourceType']),
      ),
    ).toEqual([]);
  });

  it('a declined referral: the task is rejected and the request revoked', () => {
    const bundle = bundleOf(e.declinedEpisode(), []);
    expect(one<Task>(bundle, 'Task')).toMatchObject({ status: 'rejected', businessStatus: { text: 'declined' } });
    expect(one<ServiceRequest>(bundle, 'ServiceRequest').status).toBe('revoked');
    expect(one<EpisodeOfCare>(bundle, 'EpisodeOfCare').status).toBe('cancelled');
    expect(resources<Communication>(bundle, 'Communication').map((c) => c.topic?.coding?.[0]?.code)).toEqual(['referral-declined']);
  });

  it('an episode on hold: on hold everywhere, the re-evaluation measured', () => {
    const bundle = bundleOf(e.onHoldEpisode(), []);
    expect(one<EpisodeOfCare>(bundle, 'EpisodeOfCare').status).toBe('onhold');
    expect(one<Task>(bundle, 'Task').status).toBe('on-hold');
    expect(resources<Observation>(bundle, 'Observation').map((o) => o.effectiveDateTime)).toEqual([
      '2025-03-05',
      '2025-03-05',
      '2025-03-08',
    ]);
  });

  it('an episode without a referral has no Bundle', () => {
    expect(() => bundleOf([], [])).toThrow('no FHIR Bundle');
  });

  it("a received episode's Bundle reads back as the referral it came from", () => {
    const bundle = bundleOf(e.receivedEpisode(), []);
    const transaction: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: (bundle.entry ?? [])
        .filter((entry) =>
          ['ServiceRequest', 'Patient', 'Practitioner', 'Condition', 'Coverage'].includes(entry.resource?.resourceType ?? ''),
        )
        .map((entry) => ({ ...entry, request: { method: 'POST', url: entry.resource?.resourceType ?? '' } })),
    };
    expect(referralFromFhir(transaction)).toEqual({ referral: f.referral() });
  });
});
