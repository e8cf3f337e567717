import {
  defaultRoutingSettings,
  rankTherapists,
  type HeldCertificate,
  type RoutingRequest,
  type SpecialtyCertificate,
  type TherapistProfile,
} from './index';

const request = (overrides: Partial<RoutingRequest> = {}): RoutingRequest => ({
  patientState: 'MD',
  referralDate: '2025-03-01',
  expectedPlanEnd: '2025-05-30',
  diagnosisCodes: ['M54.50'],
  cancerHistory: false,
  previousTherapistIds: [],
  ...overrides,
});

/** Certificates valid well past every plan in these specs. */
const held = (...certificates: SpecialtyCertificate[]): HeldCertificate[] =>
  certificates.map((certificate) => ({ certificate, expiresOn: '2027-01-01' }));

const therapist = (therapistId: string, overrides: Partial<TherapistProfile> = {}): TherapistProfile => ({
  therapistId,
  departmentId: 'dept-1',
  licenses: [{ state: 'MD', number: 'LMT-1', expiresOn: '2026-01-31' }],
  boardCertifications: ['NCBTMB'],
  specialtyCertificates: [],
  activeEpisodeCount: 5,
  availability: 0.5,
  ...overrides,
});

const assessmentOf = (decision: ReturnType<typeof rankTherapists>, therapistId: string) =>
  [...decision.ranked, ...decision.excluded].find((candidate) => candidate.therapistId === therapistId);

describe('routing eligibility: license', () => {
  it('given a therapist licensed only in another state, when routed, then excluded for no license in the state', () => {
    const decision = rankTherapists(
      request(),
      [therapist('t-1', { licenses: [{ state: 'VA', number: 'x', expiresOn: '2030-01-01' }] })],
      defaultRoutingSettings,
    );
    expect(decision.ranked).toEqual([]);
    expect(decision.excluded[0]?.exclusions).toEqual([{ rule: 'no-license-in-state', detail: 'no license in MD' }]);
  });

  it('given a license in lower case state letters, when routed, then it still counts for the state', () => {
    const decision = rankTherapists(
      request({ patientState: 'md' }),
      [therapist('t-1', { licenses: [{ state: ' Md', number: 'x', expiresOn: '2030-01-01' }] })],
      defaultRoutingSettings,
    );
    expect(decision.ranked.map((c) => c.therapistId)).toEqual(['t-1']);
  });

  it('given a license that expired before the referral date, when routed, then excluded for the referral date', () => {
    const decision = rankTherapists(
      request(),
      [therapist('t-1', { licenses: [{ state: 'MD', number: 'x', expiresOn: '2025-02-28' }] })],
      defaultRoutingSettings,
    );
    expect(decision.excluded[0]?.exclusions.map((e) => e.rule)).toEqual(['license-expired-on-referral-date']);
  });

  it('given a license expiring the day before the plan ends, when routed, then excluded', () => {
    const decision = rankTherapists(
      request({ expectedPlanEnd: '2025-05-30' }),
      [therapist('t-1', { licenses: [{ state: 'MD', number: 'x', expiresOn: '2025-05-29' }] })],
      defaultRoutingSettings,
    );
    expect(decision.ranked).toEqual([]);
    expect(decision.excluded[0]?.exclusions).toEqual([
      { rule: 'license-expires-before-plan-end', detail: 'MD license expires before the expected plan end' },
    ]);
  });

  it('given a license expiring on the day the plan ends, when routed, then eligible', () => {
    const decision = rankTherapists(
      request({ expectedPlanEnd: '2025-05-30' }),
      [therapist('t-1', { licenses: [{ state: 'MD', number: 'x', expiresOn: '2025-05-30' }] })],
      defaultRoutingSettings,
    );
    expect(decision.ranked.map((c) => c.therapistId)).toEqual(['t-1']);
  });

  it('given an expiring license and a renewed one in the same state, when routed, then the renewed one makes the therapist eligible', () => {
    const decision = rankTherapists(
      request(),
      [
        therapist('t-1', {
          licenses: [
            { state: 'MD', number: 'old', expiresOn: '2025-04-01' },
            { state: 'MD', number: 'new', expiresOn: '2027-04-01' },
          ],
        }),
      ],
      defaultRoutingSettings,
    );
    expect(decision.ranked).toHaveLength(1);
  });
});

describe('routing eligibility: required certificates', () => {
  it.each([
    ['C50.911', false, 'oncology-massage'],
    ['D05.10', false, 'oncology-massage'],
    ['D3A.010', false, 'oncology-massage'],
    ['D49.9', false, 'oncology-massage'],
    ['M54.50', true, 'oncology-massage'],
    ['I89.0', false, 'manual-lymph-drainage'],
    ['I97.2', false, 'manual-lymph-drainage'],
    ['q82.0', false, 'manual-lymph-drainage'],
    ['O26.891', false, 'prenatal'],
    ['Z33.1', false, 'prenatal'],
    ['Z34.00', false, 'prenatal'],
  ] as const)(
    'given diagnosis %s (cancer history %s), when routed, then %s is required and its absence excludes',
    (diagnosis, cancerHistory, certificate) => {
      const decision = rankTherapists(
        request({ diagnosisCodes: [diagnosis], cancerHistory }),
        [therapist('holder', { specialtyCertificates: held(certificate) }), therapist('other')],
        defaultRoutingSettings,
      );
      expect(decision.requiredCertificates).toEqual([certificate]);
      expect(decision.ranked.map((c) => c.therapistId)).toEqual(['holder']);
      expect(decision.excluded[0]?.exclusions.map((e) => e.rule)).toEqual(['missing-required-certificate']);
    },
  );

  it.each(['D50.9', 'M54.50', 'I89.1', 'Z30.0'])('given diagnosis %s, when routed, then no certificate is required', (diagnosis) => {
    const decision = rankTherapists(request({ diagnosisCodes: [diagnosis] }), [therapist('t-1')], defaultRoutingSettings);
    expect(decision.requiredCertificates).toEqual([]);
    expect(decision.ranked).toHaveLength(1);
  });

  it('given lymphedema after breast cancer, when routed, then both oncology and lymph drainage are required', () => {
    const decision = rankTherapists(
      request({ diagnosisCodes: ['C50.911', 'I97.2'] }),
      [
        therapist('both', { specialtyCertificates: held('oncology-massage', 'manual-lymph-drainage') }),
        therapist('oncology-only', { specialtyCertificates: held('oncology-massage') }),
      ],
      defaultRoutingSettings,
    );
    expect(decision.requiredCertificates).toEqual(['oncology-massage', 'manual-lymph-drainage']);
    expect(decision.ranked.map((c) => c.therapistId)).toEqual(['both']);
    expect(decision.excluded[0]?.exclusions).toEqual([
      { rule: 'missing-required-certificate', detail: 'lymphedema requires manual-lymph-drainage' },
    ]);
  });
});

describe('routing eligibility: caseload', () => {
  it('given a therapist one below the caseload limit, when routed, then eligible', () => {
    const decision = rankTherapists(request(), [therapist('t-1', { activeEpisodeCount: 24 })], defaultRoutingSettings);
    expect(decision.ranked).toHaveLength(1);
  });

  it('given a therapist at the caseload limit, when routed, then excluded for caseload', () => {
    const decision = rankTherapists(request(), [therapist('t-1', { activeEpisodeCount: 25 })], defaultRoutingSettings);
    expect(decision.excluded[0]?.exclusions).toEqual([{ rule: 'caseload-full', detail: 'caseload 25 of 25 active episodes' }]);
  });

  it("given a therapist's own lower limit, when routed, then it overrides the department's", () => {
    const decision = rankTherapists(
      request(),
      [therapist('t-1', { activeEpisodeCount: 10, caseloadLimit: 10 }), therapist('t-2', { activeEpisodeCount: 9, caseloadLimit: 10 })],
      defaultRoutingSettings,
    );
    expect(decision.ranked.map((c) => c.therapistId)).toEqual(['t-2']);
    expect(decision.excluded.map((c) => c.therapistId)).toEqual(['t-1']);
  });

  it('given a therapist with a caseload limit of zero, when routed, then excluded and earns no load points', () => {
    const decision = rankTherapists(request(), [therapist('t-1', { activeEpisodeCount: 0, caseloadLimit: 0 })], defaultRoutingSettings);
    expect(decision.excluded[0]?.exclusions.map((e) => e.rule)).toEqual(['caseload-full']);
    expect(decision.excluded[0]?.reasons).toContain('load +0: 0 of 0 active episodes');
  });

  it('given a therapist failing every rule, when routed, then every exclusion is recorded', () => {
    const decision = rankTherapists(
      request({ cancerHistory: true }),
      [therapist('t-1', { licenses: [], activeEpisodeCount: 30 })],
      defaultRoutingSettings,
    );
    expect(decision.excluded[0]?.exclusions.map((e) => e.rule)).toEqual([
      'no-license-in-state',
      'missing-required-certificate',
      'caseload-full',
    ]);
  });
});

describe('routing score and explanation', () => {
  it('given a sports injury, when routed, then sports or orthopedic certificates are preferred and score higher', () => {
    const decision = rankTherapists(
      request({ diagnosisCodes: ['S83.511A'] }),
      [therapist('a-plain'), therapist('b-sports', { specialtyCertificates: held('sports') })],
      defaultRoutingSettings,
    );
    expect(decision.requiredCertificates).toEqual([]);
    expect(decision.preferredCertificates).toEqual(['sports', 'orthopedic']);
    expect(decision.ranked.map((c) => c.therapistId)).toEqual(['b-sports', 'a-plain']);
    expect(assessmentOf(decision, 'b-sports')?.reasons).toContain('specialty fit +30: preferred for sports injury');
    expect(assessmentOf(decision, 'a-plain')?.reasons).toContain('specialty fit +0: holds none of the preferred certificates');
  });

  it('given fibromyalgia and TMJ, when routed, then an orthopedic certificate meets both preferences', () => {
    const decision = rankTherapists(
      request({ diagnosisCodes: ['M79.7', 'M26.601'] }),
      [therapist('t-1', { specialtyCertificates: held('orthopedic') })],
      defaultRoutingSettings,
    );
    expect(decision.preferredCertificates).toEqual(['orthopedic']);
    expect(decision.ranked[0]?.reasons).toContain('specialty fit +30: preferred for fibromyalgia, temporomandibular disorder');
  });

  it('given no preferred specialty, when routed, then the explanation has no specialty part', () => {
    const decision = rankTherapists(request(), [therapist('t-1')], defaultRoutingSettings);
    expect(decision.ranked[0]?.reasons.some((reason) => reason.startsWith('specialty'))).toBe(false);
  });

  it('given a therapist who treated the patient before, when routed, then continuity adds to the score', () => {
    const decision = rankTherapists(
      request({ previousTherapistIds: ['z-previous'] }),
      [therapist('a-new'), therapist('z-previous')],
      defaultRoutingSettings,
    );
    expect(decision.ranked.map((c) => c.therapistId)).toEqual(['z-previous', 'a-new']);
    expect(decision.ranked[0]?.score).toBe((decision.ranked[1]?.score ?? 0) + 25);
    expect(decision.ranked[0]?.reasons).toContain('continuity +25: treated this patient in an earlier episode');
  });

  it('given lighter load and more availability, when routed, then the score reflects both', () => {
    const decision = rankTherapists(
      request(),
      [therapist('busy', { activeEpisodeCount: 20, availability: 0.1 }), therapist('free', { activeEpisodeCount: 0, availability: 1 })],
      defaultRoutingSettings,
    );
    expect(decision.ranked.map((c) => [c.therapistId, c.score])).toEqual([
      ['free', 45],
      ['busy', 7],
    ]);
    expect(decision.ranked[0]?.reasons).toEqual([
      'ranked 1 of 2 with score 45',
      'continuity +0: no earlier episode with this patient',
      'load +25: 0 of 25 active episodes',
      'availability +20: 100% of schedule open',
    ]);
  });

  it('given availability outside 0..1, when routed, then it is clamped', () => {
    const decision = rankTherapists(
      request(),
      [therapist('over', { availability: 3 }), therapist('under', { availability: -1 })],
      defaultRoutingSettings,
    );
    expect(assessmentOf(decision, 'over')?.reasons).toContain('availability +20: 100% of schedule open');
    expect(assessmentOf(decision, 'under')?.reasons).toContain('availability +0: 0% of schedule open');
  });

  it('given equal scores, when routed, then the therapist id decides and the explanation says so', () => {
    const decision = rankTherapists(
      request(),
      [therapist('t-2'), therapist('t-1'), therapist('t-3', { availability: 0.9 })],
      defaultRoutingSettings,
    );
    expect(decision.ranked.map((c) => c.therapistId)).toEqual(['t-3', 't-1', 't-2']);
    expect(decision.ranked[1]?.reasons[0]).toBe('ranked 2 of 3 with score 30 (equal scores ordered by therapist id)');
    expect(decision.ranked[0]?.reasons[0]).toBe('ranked 1 of 3 with score 38');
  });

  it('given excluded candidates, when routed, then they are listed by id with a score and their exclusions', () => {
    const decision = rankTherapists(
      request(),
      [therapist('t-b', { activeEpisodeCount: 25 }), therapist('t-a', { licenses: [] })],
      defaultRoutingSettings,
    );
    expect(decision.excluded.map((c) => [c.therapistId, c.eligible])).toEqual([
      ['t-a', false],
      ['t-b', false],
    ]);
    expect(decision.excluded[1]?.score).toBe(10);
  });

  it('given any decision, when serialized to JSON and back, then nothing is lost', () => {
    const decision = rankTherapists(
      request({ diagnosisCodes: ['S83.511A'], cancerHistory: true }),
      [therapist('t-1', { specialtyCertificates: held('oncology-massage') }), therapist('t-2')],
      defaultRoutingSettings,
    );
    expect(JSON.parse(JSON.stringify(decision))).toEqual(decision);
  });
});
