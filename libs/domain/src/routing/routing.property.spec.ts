import fc from 'fast-check';
import {
  nextRoutingStep,
  rankTherapists,
  type RoutingRequest,
  type RoutingSettings,
  type SpecialtyCertificate,
  type TherapistProfile,
} from './index';

const certificates: SpecialtyCertificate[] = ['oncology-massage', 'manual-lymph-drainage', 'prenatal', 'geriatric', 'sports', 'orthopedic'];
const states = ['MD', 'VA', 'DC'];
const dates = ['2025-01-01', '2025-02-28', '2025-03-01', '2025-04-15', '2025-05-29', '2025-05-30', '2025-12-31'];

const requestArb: fc.Arbitrary<RoutingRequest> = fc.record({
  patientState: fc.constantFrom(...states),
  referralDate: fc.constantFrom('2025-03-01'),
  expectedPlanEnd: fc.constantFrom('2025-05-30', '2025-03-01', '2025-12-31'),
  diagnosisCodes: fc.array(fc.constantFrom('M54.50', 'C50.911', 'I89.0', 'O26.891', 'Z34.00', 'M79.7', 'S83.511A', 'D50.9'), {
    maxLength: 4,
  }),
  cancerHistory: fc.boolean(),
  previousTherapistIds: fc.array(fc.constantFrom('t-0', 't-1', 't-2', 't-3'), { maxLength: 2 }),
});

const therapistsArb: fc.Arbitrary<TherapistProfile[]> = fc.uniqueArray(fc.integer({ min: 0, max: 9 }), { maxLength: 8 }).chain((ids) =>
  fc.tuple(
    ...ids.map((id) =>
      fc.record({
        therapistId: fc.constant(`t-${id}`),
        departmentId: fc.constant('dept-1'),
        licenses: fc.array(
          fc.record({ state: fc.constantFrom(...states), number: fc.constant('L'), expiresOn: fc.constantFrom(...dates) }),
          { maxLength: 2 },
        ),
        boardCertifications: fc.constant(['NCBTMB']),
        specialtyCertificates: fc.array(
          fc.record({ certificate: fc.constantFrom(...certificates), expiresOn: fc.constantFrom(...dates) }),
          { maxLength: 3 },
        ),
        activeEpisodeCount: fc.integer({ min: 0, max: 30 }),
        caseloadLimit: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
        availability: fc.double({ min: 0, max: 1, noNaN: true }),
      }),
    ),
  ),
);

const settingsArb: fc.Arbitrary<RoutingSettings> = fc.record({
  caseloadLimit: fc.integer({ min: 1, max: 30 }),
  offerTimeoutHours: fc.constant(24),
  maxOffers: fc.integer({ min: 1, max: 5 }),
});

/** An oracle written from the rule page, independent of the implementation. */
const isEligible = (therapist: TherapistProfile, request: RoutingRequest, settings: RoutingSettings): boolean => {
  const licensed = therapist.licenses.some(
    (license) =>
      license.state === request.patientState && license.expiresOn >= request.expectedPlanEnd && license.expiresOn >= request.referralDate,
  );
  const codes = request.diagnosisCodes;
  const needs: SpecialtyCertificate[] = [
    ...(request.cancerHistory || codes.some((c) => c.startsWith('C')) ? (['oncology-massage'] as const) : []),
    ...(codes.includes('I89.0') ? (['manual-lymph-drainage'] as const) : []),
    ...(codes.some((c) => c.startsWith('O') || c.startsWith('Z34')) ? (['prenatal'] as const) : []),
  ];
  const certified = needs.every((need) =>
    therapist.specialtyCertificates.some(
      (held) => held.certificate === need && held.expiresOn >= request.expectedPlanEnd && held.expiresOn >= request.referralDate,
    ),
  );
  return licensed && certified && therapist.activeEpisodeCount < (therapist.caseloadLimit ?? settings.caseloadLimit);
};

describe('routing properties', () => {
  it('never offers an ineligible therapist, whoever has already declined', () => {
    fc.assert(
      fc.property(
        requestArb,
        therapistsArb,
        settingsArb,
        fc.array(fc.constantFrom('t-0', 't-1', 't-2', 't-3', 't-4')),
        (request, therapists, settings, attempted) => {
          const step = nextRoutingStep(rankTherapists(request, therapists, settings), attempted, settings);
          if (step.kind === 'offer') {
            const offered = therapists.find((t) => t.therapistId === step.therapistId);
            expect(offered && isEligible(offered, request, settings)).toBe(true);
            expect(attempted).not.toContain(step.therapistId);
          }
        },
      ),
    );
  });

  it('splits every therapist into ranked (all eligible) or excluded (each with a reason)', () => {
    fc.assert(
      fc.property(requestArb, therapistsArb, settingsArb, (request, therapists, settings) => {
        const decision = rankTherapists(request, therapists, settings);
        expect(decision.ranked.length + decision.excluded.length).toBe(therapists.length);
        for (const candidate of decision.ranked) {
          expect(candidate.exclusions).toEqual([]);
          expect(isEligible(therapists.find((t) => t.therapistId === candidate.therapistId) as TherapistProfile, request, settings)).toBe(
            true,
          );
        }
        for (const candidate of decision.excluded) expect(candidate.exclusions.length).toBeGreaterThan(0);
      }),
    );
  });

  it('ranks the same whatever the order of the therapists', () => {
    fc.assert(
      fc.property(
        requestArb,
        therapistsArb.chain((therapists) =>
          fc.tuple(fc.constant(therapists), fc.shuffledSubarray(therapists, { minLength: therapists.length })),
        ),
        settingsArb,
        (request, [therapists, shuffled], settings) => {
          expect(rankTherapists(request, shuffled, settings)).toEqual(rankTherapists(request, therapists, settings));
        },
      ),
    );
  });

  it('orders ranked candidates by score, then therapist id', () => {
    fc.assert(
      fc.property(requestArb, therapistsArb, settingsArb, (request, therapists, settings) => {
        const { ranked } = rankTherapists(request, therapists, settings);
        ranked.slice(1).forEach((candidate, index) => {
          const before = ranked[index] as (typeof ranked)[number];
          expect(before.score > candidate.score || (before.score === candidate.score && before.therapistId < candidate.therapistId)).toBe(
            true,
          );
        });
      }),
    );
  });
});
