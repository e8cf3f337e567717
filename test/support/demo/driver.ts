/**
 * Drives the demo department through the public API as its staff would (docs/demo.md): settings,
 * therapists and payers by the admin, referrals by the lead, each episode by the therapist it was
 * offered to. Commands carry the server's clock; the clinical dates are the clinicians' and lie in
 * the last three weeks (demoCalendar), so a whole course of care fits into one run. Used by `npm start`,
 * the system test and the chaos test.
 */
import { addDays, type GrantClearance, localDateOf, type PlanOfCare, type SessionDocumentation } from '@careflow/domain';
import { type ApiAnswer, type Caller, type DemoApi, expectOk, pollFor } from './api-client';
import {
  type DemoCalendar,
  type DemoCase,
  type DemoTherapist,
  demoCalendar,
  demoCases,
  demoPayers,
  demoReferral,
  demoSettings,
  demoTherapists,
  referringPhysician,
} from './department';

/** A session's documented fields as the request carries them; the API checks them with the domain's schema. */
type SessionFields = Partial<Record<keyof SessionDocumentation, unknown>>;

export interface DemoOptions {
  readonly api: DemoApi;
  readonly departmentId: string;
  /** Prefix of the run's referral ids, MRNs and member ids. */
  readonly runId: string;
  /** The hospital's EHR interface engine: a physician's clearance as it arrives (the workflow's clearance Signal). */
  readonly sendEhrClearance: (episodeId: string, clearance: GrantClearance) => Promise<void>;
  readonly onStep?: (done: number, total: number, what: string) => void;
  readonly now?: () => Date;
}

/** What the run did to one referral, and what every read model should come to show of it. */
export interface DemoEpisode {
  readonly kase: DemoCase;
  readonly episodeId: string;
  readonly therapistId: string;
  readonly payerId: string;
  readonly expectedStatus: 'active' | 'finished';
  readonly dischargeReason?: string;
  /** Days with a billable visit (the evaluation and each session): one charge row each. */
  readonly serviceDays: readonly string[];
  /** Rule refusals the run provoked on purpose, with the code the API answered. */
  readonly refusals: readonly { readonly what: string; readonly code: string }[];
}

export interface DemoRun {
  readonly departmentId: string;
  readonly calendar: DemoCalendar;
  readonly therapists: readonly DemoTherapist[];
  readonly episodes: readonly DemoEpisode[];
  readonly refusedReferral: { readonly kase: DemoCase; readonly status: number; readonly code: string };
  readonly callers: { readonly lead: Caller; readonly billing: Caller; readonly auditor: Caller; readonly admin: Caller };
  /** Steps the rules made impossible in one day, said rather than faked. */
  readonly notShown: readonly string[];
}

/** The steps of each case (referral and acceptance included), for the progress bar's total. */
const stepsPerCase: Record<DemoCase, number> = {
  fibromyalgia: 14,
  'low-back-pain': 21,
  'neck-pain': 15,
  'oncology-lymphedema': 13,
  'dvt-at-intake': 9,
  warfarin: 12,
  'post-surgical': 12,
  pregnancy: 9,
  'bad-npi': 1,
};
const setupSteps = 1 + 2 + 6; // department settings, two payers, six therapists

interface EpisodeContext {
  readonly episodeId: string;
  readonly therapist: DemoTherapist;
  readonly caller: Caller;
  readonly lead: Caller;
  readonly calendar: DemoCalendar;
  command(path: string, body: unknown, by?: Caller): Promise<Record<string, unknown>>;
  refused(what: string, path: string, body: unknown): Promise<void>;
  session(sessionId: string, date: string, documentation?: SessionFields, sign?: boolean): Promise<void>;
  clearByEhrFeed(findingId: string): Promise<void>;
  readonly serviceDays: string[];
  readonly refusals: { what: string; code: string }[];
}

const plan = (overrides: Partial<PlanOfCare> & Pick<PlanOfCare, 'goals' | 'primaryMeasure' | 'techniques'>): PlanOfCare => ({
  frequencyPerWeek: 2,
  durationWeeks: 8,
  precautions: [],
  ...overrides,
});

const goal = (
  goalId: string,
  measure: PlanOfCare['goals'][number]['measure'],
  baseline: number,
  target: number,
  calendar: DemoCalendar,
) => ({
  goalId,
  description: `${measure} from ${baseline} to ${target}`,
  measure,
  baseline,
  target,
  targetDate: addDays(calendar.evaluationDay, 56),
});

const intake = (overrides: Record<string, unknown> = {}) => ({
  intake: {
    medicalHistory: ['pain for several months'],
    medications: [],
    allergies: [],
    recentSurgeries: [],
    patientGoals: ['move without pain'],
    findings: [],
    ...overrides,
  },
});

const assessment = (assessedOn: string, measures: { measure: string; value: number }[], painRegions: string[]) => ({
  assessment: {
    assessedOn,
    specialTests: [],
    posturalFindings: [],
    rangeOfMotion: [],
    painRegions,
    measures,
    evaluationCode: '97162',
  },
});

const certification = (certifiedOn: string) => ({ kind: 'written', certifier: referringPhysician, certifiedOn });

/** Each case's course of care after the offer is accepted: what its therapist, lead and the EHR send. */
const courses: Record<
  Exclude<DemoCase, 'bad-npi'>,
  (c: EpisodeContext) => Promise<Pick<DemoEpisode, 'expectedStatus' | 'dischargeReason'>>
> = {
  fibromyalgia: async (c) => {
    const e = c.calendar.evaluationDay;
    await c.command('intake', intake());
    await c.command('assessment', assessment(e, [{ measure: 'NPRS', value: 6 }], ['upper-back', 'lower-back']));
    await c.command('plan-of-care', {
      plan: plan({
        goals: [goal('goal-pain', 'NPRS', 6, 3, c.calendar)],
        primaryMeasure: 'NPRS',
        techniques: ['swedish', 'myofascial-release'],
      }),
    });
    await c.command('certification', certification(addDays(e, 1)), c.lead);
    const lines = [{ code: '97124', minutes: 40, bodyRegions: ['upper-back', 'lower-back'] }];
    await c.session('s-1', addDays(e, 2), { lines, techniques: ['swedish'] });
    await c.session('s-2', addDays(e, 5), { lines, techniques: ['swedish'] });
    for (const [index, day] of [9, 12, 16].entries()) {
      await c.command('no-shows', { sessionId: `no-show-${index + 1}`, date: addDays(e, day) });
    }
    await c.command('discharge', {
      dischargedOn: addDays(e, 17),
      reason: 'non-adherence',
      measures: [{ measure: 'NPRS', value: 6 }],
      narrative: 'three missed visits in a row; the patient did not reschedule',
    });
    return { expectedStatus: 'finished', dischargeReason: 'non-adherence' };
  },

  'low-back-pain': async (c) => {
    const e = c.calendar.evaluationDay;
    await c.command('intake', intake());
    await c.command(
      'assessment',
      assessment(
        e,
        [
          { measure: 'NPRS', value: 7 },
          { measure: 'ODI', value: 40 },
        ],
        ['lower-back'],
      ),
    );
    await c.command('plan-of-care', {
      plan: plan({
        goals: [goal('goal-pain', 'NPRS', 7, 3, c.calendar), goal('goal-function', 'ODI', 40, 20, c.calendar)],
        primaryMeasure: 'NPRS',
        techniques: ['myofascial-release', 'trigger-point-therapy', 'swedish'],
      }),
    });
    await c.command('certification', certification(addDays(e, 1)), c.lead);
    // 97140 on the low back and 97124 on the upper back: different regions, so the second carries 59.
    const lines = [
      { code: '97140', minutes: 30, bodyRegions: ['lower-back'] },
      { code: '97124', minutes: 15, bodyRegions: ['upper-back'] },
    ];
    const pressure = [
      { bodyRegion: 'lower-back', pressure: 'firm' },
      { bodyRegion: 'upper-back', pressure: 'moderate' },
    ];
    for (const [index, day] of [2, 4, 7, 9].entries()) {
      await c.session(`s-${index + 1}`, addDays(e, day), { lines, pressure, techniques: ['myofascial-release', 'swedish'] });
    }
    await c.command('progress-reports', {
      reportId: 'progress-1',
      reportedOn: addDays(e, 9),
      measures: [
        { measure: 'NPRS', value: 4 },
        { measure: 'ODI', value: 28 },
      ],
      narrative: 'pain and function improving',
    });
    await c.command('addenda', { sessionId: 's-2', addendumId: 'addendum-1', text: 'home stretching programme handed out at this visit' });
    await c.session('s-5', addDays(e, 11), { lines, pressure, techniques: ['myofascial-release', 'swedish'] });
    await c.session('s-6', addDays(e, 14), { lines, pressure, techniques: ['myofascial-release', 'swedish'] });
    await c.command('discharge', {
      dischargedOn: addDays(e, 16),
      reason: 'goals-met',
      measures: [
        { measure: 'NPRS', value: 2 },
        { measure: 'ODI', value: 18 },
      ],
      narrative: 'goals met; continues the home programme',
    });
    return { expectedStatus: 'finished', dischargeReason: 'goals-met' };
  },

  'neck-pain': async (c) => {
    const e = c.calendar.evaluationDay;
    await c.command('intake', intake());
    await c.command(
      'assessment',
      assessment(
        e,
        [
          { measure: 'NDI', value: 24 },
          { measure: 'NPRS', value: 6 },
        ],
        ['neck'],
      ),
    );
    await c.command('plan-of-care', {
      plan: plan({
        goals: [goal('goal-neck', 'NDI', 24, 12, c.calendar), goal('goal-pain', 'NPRS', 6, 3, c.calendar)],
        primaryMeasure: 'NDI',
        techniques: ['myofascial-release', 'muscle-energy-technique'],
      }),
    });
    await c.command('certification', certification(addDays(e, 1)), c.lead);
    const lines = [{ code: '97140', minutes: 25, bodyRegions: ['neck'] }];
    const report = (reportId: string, day: number, ndi: number) =>
      c.command('progress-reports', {
        reportId,
        reportedOn: addDays(e, day),
        measures: [
          { measure: 'NDI', value: ndi },
          { measure: 'NPRS', value: 5 },
        ],
        narrative: 'neck disability index re-measured',
      });
    await c.session('s-1', addDays(e, 2), { lines, techniques: ['myofascial-release'] });
    await report('progress-1', 2, 21);
    await c.session('s-2', addDays(e, 5), { lines, techniques: ['myofascial-release'] });
    // 24 → 21 → 23: a net change below the NDI's MCID of 7, so a plateau waits for a decision.
    await report('progress-2', 5, 23);
    await c.refused('a session while the plateau decision is pending', 'sessions', sessionBody(c, 's-3', addDays(e, 7), { lines }));
    await c.command('plateau-decision', { decision: 'discharge-at-mmi' });
    await c.command('discharge', {
      dischargedOn: addDays(e, 7),
      reason: 'maximum-medical-improvement',
      measures: [
        { measure: 'NDI', value: 23 },
        { measure: 'NPRS', value: 5 },
      ],
      narrative: 'no further gain expected',
    });
    return { expectedStatus: 'finished', dischargeReason: 'maximum-medical-improvement' };
  },

  'oncology-lymphedema': async (c) => {
    const e = c.calendar.evaluationDay;
    await c.command('intake', intake({ medicalHistory: ['breast cancer treated, in remission', 'arm swelling'] }));
    await c.command(
      'assessment',
      assessment(
        e,
        [
          { measure: 'PSFS', value: 4 },
          { measure: 'NPRS', value: 4 },
        ],
        ['arm-left'],
      ),
    );
    await c.command('plan-of-care', {
      plan: plan({
        goals: [goal('goal-function', 'PSFS', 4, 7, c.calendar)],
        primaryMeasure: 'PSFS',
        techniques: ['manual-lymph-drainage', 'swedish'],
      }),
    });
    await c.command('certification', certification(addDays(e, 1)), c.lead);
    const lines = [{ code: '97140', minutes: 45, bodyRegions: ['arm-left'] }];
    for (const [index, day] of [2, 6, 9].entries()) {
      await c.session(`s-${index + 1}`, addDays(e, day), {
        lines,
        techniques: ['manual-lymph-drainage'],
        pressure: [{ bodyRegion: 'arm-left', pressure: 'light' }],
      });
    }
    await c.command('progress-reports', {
      reportId: 'progress-1',
      reportedOn: addDays(e, 9),
      measures: [{ measure: 'PSFS', value: 6 }],
      narrative: 'swelling down, reaching improved',
    });
    return { expectedStatus: 'active' };
  },

  'dvt-at-intake': async (c) => {
    const today = c.calendar.today;
    // A thrombosis six days ago: absolute, so the episode goes on hold and clearance is requested.
    await c.command(
      'intake',
      intake({
        findings: [{ findingId: 'dvt-1', condition: 'deep-vein-thrombosis', occurredOn: addDays(today, -6), bodyRegions: ['leg-left'] }],
      }),
    );
    await c.clearByEhrFeed('dvt-1');
    await c.command('assessment', assessment(today, [{ measure: 'NPRS', value: 5 }], ['lower-back']));
    await c.command('plan-of-care', {
      plan: plan({
        goals: [goal('goal-pain', 'NPRS', 5, 2, c.calendar)],
        primaryMeasure: 'NPRS',
        techniques: ['swedish', 'myofascial-release'],
        precautions: ['no work on the left leg'],
      }),
    });
    await c.command('certification', certification(today), c.lead);
    await c.session('s-1', today, {
      lines: [{ code: '97124', minutes: 30, bodyRegions: ['lower-back'] }],
      techniques: ['swedish'],
      pressure: [{ bodyRegion: 'lower-back', pressure: 'light' }],
    });
    return { expectedStatus: 'active' };
  },

  warfarin: async (c) => {
    // Evaluated five weeks ago and the signed plan never came back: the certification is delinquent
    // (its 30 days have passed), so the sessions are billed with a flag and show as a compliance finding.
    const e = addDays(c.calendar.today, -35);
    const today = c.calendar.today;
    await c.command('intake', intake({ medications: [{ name: 'warfarin', class: 'anticoagulant' }] }));
    await c.command('assessment', assessment(e, [{ measure: 'NPRS', value: 6 }], ['upper-back']));
    await c.command('plan-of-care', {
      plan: plan({
        goals: [goal('goal-pain', 'NPRS', 6, 3, c.calendar)],
        primaryMeasure: 'NPRS',
        techniques: ['myofascial-release', 'deep-tissue', 'swedish'],
      }),
    });
    await c.refused(
      'deep tissue under an anticoagulant',
      'sessions',
      sessionBody(c, 's-deep', addDays(e, 3), {
        lines: [{ code: '97140', minutes: 30, bodyRegions: ['upper-back'] }],
        techniques: ['deep-tissue'],
        pressure: [{ bodyRegion: 'upper-back', pressure: 'deep' }],
      }),
    );
    const lines = [{ code: '97140', minutes: 30, bodyRegions: ['upper-back'] }];
    await c.session('s-1', addDays(e, 3), { lines, techniques: ['myofascial-release'] });
    // Today's visit is interrupted at the bedside, then resumed the same day: its minutes add up.
    await c.session(
      's-2',
      today,
      { lines: [{ code: '97140', minutes: 15, bodyRegions: ['upper-back'] }], techniques: ['myofascial-release'] },
      false,
    );
    await c.command('session-pauses', { sessionId: 's-2', reason: 'patient called for imaging' });
    await c.command('session-resumptions', {
      sessionId: 's-2',
      continuation: { lines: [{ code: '97140', minutes: 10, bodyRegions: ['upper-back'] }], techniques: [], pressure: [] },
    });
    await c.command('note-signatures', { sessionId: 's-2' });
    return { expectedStatus: 'active' };
  },

  'post-surgical': async (c) => {
    const e = c.calendar.evaluationDay;
    await c.command(
      'intake',
      intake({
        recentSurgeries: [{ procedure: 'shoulder replacement', date: addDays(c.calendar.today, -30), bodyRegions: ['shoulder-right'] }],
      }),
    );
    await c.command('assessment', assessment(e, [{ measure: 'NPRS', value: 5 }], ['upper-back', 'neck']));
    await c.command('plan-of-care', {
      plan: plan({
        goals: [goal('goal-pain', 'NPRS', 5, 2, c.calendar)],
        primaryMeasure: 'NPRS',
        techniques: ['swedish', 'myofascial-release'],
        bodyRegions: ['upper-back', 'neck'],
      }),
    });
    await c.command('certification', certification(addDays(e, 1)), c.lead);
    await c.refused(
      'work on the operated shoulder',
      'sessions',
      sessionBody(c, 's-shoulder', addDays(e, 2), { lines: [{ code: '97124', minutes: 30, bodyRegions: ['shoulder-right'] }] }),
    );
    const lines = [{ code: '97124', minutes: 30, bodyRegions: ['upper-back', 'neck'] }];
    await c.session('s-1', addDays(e, 2), { lines, techniques: ['swedish'] });
    await c.session('s-2', addDays(e, 5), { lines, techniques: ['swedish'] });
    await c.command('discharge', {
      dischargedOn: addDays(e, 6),
      reason: 'referred-back',
      measures: [{ measure: 'NPRS', value: 5 }],
      narrative: 'shoulder stiffness for the surgeon to review',
    });
    return { expectedStatus: 'finished', dischargeReason: 'referred-back' };
  },

  pregnancy: async (c) => {
    const e = c.calendar.evaluationDay;
    await c.command('intake', intake({ pregnant: true }));
    await c.command('assessment', assessment(e, [{ measure: 'NPRS', value: 5 }], ['lower-back']));
    await c.command('plan-of-care', {
      plan: plan({ goals: [goal('goal-pain', 'NPRS', 5, 2, c.calendar)], primaryMeasure: 'NPRS', techniques: ['swedish'] }),
    });
    // The signed plan has not come back yet: sessions are documented, their charges held.
    const lines = [{ code: '97124', minutes: 30, bodyRegions: ['lower-back'] }];
    await c.session('s-1', addDays(e, 2), {
      lines,
      techniques: ['swedish'],
      pressure: [{ bodyRegion: 'lower-back', pressure: 'moderate' }],
    });
    await c.session('s-2', addDays(e, 6), {
      lines,
      techniques: ['swedish'],
      pressure: [{ bodyRegion: 'lower-back', pressure: 'moderate' }],
    });
    return { expectedStatus: 'active' };
  },
};

const sessionBody = (c: Pick<EpisodeContext, 'therapist'>, sessionId: string, date: string, overrides: SessionFields = {}) => ({
  sessionId,
  session: {
    date,
    therapist: { therapistId: c.therapist.therapistId, licenseExpiresOn: c.therapist.licenseExpiresOn },
    lines: [{ code: '97124', minutes: 30, bodyRegions: ['lower-back'] }],
    techniques: ['swedish'],
    pressure: [],
    painBefore: 5,
    painAfter: 3,
    adverseEvents: [],
    selfPay: false,
    ...overrides,
  },
});

const problemCode = (answer: ApiAnswer): string =>
  typeof answer.body['code'] === 'string' ? answer.body['code'] : `HTTP ${answer.status}`;

/** Runs the whole demo; throws naming the step when the API refuses what the clinic expected to be accepted. */
export const runDemo = async (options: DemoOptions): Promise<DemoRun> => {
  const { api, departmentId, runId } = options;
  const now = options.now ?? (() => new Date());
  const calendar = demoCalendar(localDateOf(now().toISOString(), demoSettings.timeZone));
  const therapists = demoTherapists(departmentId, calendar);
  const admin: Caller = { userId: 'demo-admin', role: 'admin', departments: [] };
  const lead: Caller = { userId: `${departmentId}-lead`, role: 'department-lead', departments: [departmentId] };
  const billing: Caller = { userId: `${departmentId}-billing`, role: 'billing', departments: [departmentId] };
  const auditor: Caller = { userId: 'demo-auditor', role: 'auditor', departments: [] };
  const total = setupSteps + demoCases.reduce((sum, kase) => sum + stepsPerCase[kase], 0);
  let done = 0;
  const step = (what: string): void => {
    done += 1;
    options.onStep?.(Math.min(done, total), total, what);
  };

  expectOk(await api.call(admin, 'PUT', `/departments/${departmentId}/settings`, demoSettings), 'department settings');
  step('department settings');
  for (const [payerId, settings] of Object.entries(demoPayers(departmentId, Number(calendar.today.slice(0, 4))))) {
    expectOk(await api.call(admin, 'PUT', `/payers/${payerId}/settings`, settings), 'payer settings');
    step('payers');
  }
  for (const therapist of therapists) {
    const { therapistId, providerType, licenseExpiresOn, specialtyCertificates, availability, caseloadLimit } = therapist;
    expectOk(
      await api.call(admin, 'PUT', `/therapists/${therapistId}`, {
        departmentId,
        active: true,
        providerType,
        profile: {
          licenses: [{ state: 'MD', number: `LMT-${therapistId.slice(-12)}`, expiresOn: licenseExpiresOn }],
          boardCertifications: ['NCBTMB'],
          specialtyCertificates,
          availability,
          ...(caseloadLimit === undefined ? {} : { caseloadLimit }),
        },
      }),
      'therapist directory',
    );
    step('therapists');
  }

  const refer = (kase: DemoCase) =>
    api.call(lead, 'POST', '/referrals', { departmentId, referral: demoReferral(departmentId, runId, kase, calendar) });

  /** Refers, waits for routing's offer, and has the offered therapist accept it. */
  const accepted = async (kase: DemoCase): Promise<{ episodeId: string; therapist: DemoTherapist }> => {
    const episodeId = String(expectOk(await refer(kase), `referral (${kase})`)['episodeId']);
    step(`${kase}: referral`);
    const offered = await pollFor(
      () => api.call(lead, 'GET', `/episodes/${episodeId}`),
      (answer) => pendingOffer(answer) !== undefined,
      `routing's offer (${kase})`,
      30_000,
    );
    const therapistId = pendingOffer(offered);
    const therapist = therapists.find((candidate) => candidate.therapistId === therapistId);
    if (therapist === undefined) throw new Error(`routing (${kase}): offered to a therapist outside the demo department`);
    expectOk(
      await api.call(therapistCaller(therapist, departmentId), 'POST', `/episodes/${episodeId}/accept-offer`, { therapistId }),
      `accept offer (${kase})`,
    );
    step(`${kase}: offer accepted`);
    return { episodeId, therapist };
  };

  const drive = async (kase: Exclude<DemoCase, 'bad-npi'>, episodeId: string, therapist: DemoTherapist): Promise<DemoEpisode> => {
    const caller = therapistCaller(therapist, departmentId);
    const serviceDays: string[] = [];
    const refusals: { what: string; code: string }[] = [];
    const command = async (path: string, body: unknown, by: Caller = caller): Promise<Record<string, unknown>> => {
      const answer = expectOk(await api.call(by, 'POST', `/episodes/${episodeId}/${path}`, body), `${kase}: ${path}`);
      step(`${kase}: ${path}`);
      if (path === 'assessment') serviceDays.push(String((body as { assessment: { assessedOn: string } }).assessment.assessedOn));
      return answer;
    };
    const context: EpisodeContext = {
      episodeId,
      therapist,
      caller,
      lead,
      calendar,
      serviceDays,
      refusals,
      command,
      refused: async (what, path, body) => {
        const answer = await api.call(caller, 'POST', `/episodes/${episodeId}/${path}`, body);
        if (answer.status !== 422) throw new Error(`${kase}: ${what} should have been refused, answered HTTP ${answer.status}`);
        refusals.push({ what, code: problemCode(answer) });
        step(`${kase}: refused as the rules say`);
      },
      session: async (sessionId, date, documentation = {}, sign = true) => {
        await command('sessions', sessionBody({ therapist }, sessionId, date, documentation));
        if (!serviceDays.includes(date)) serviceDays.push(date);
        if (sign) await command('note-signatures', { sessionId });
      },
      clearByEhrFeed: async (findingId) => {
        await options.sendEhrClearance(episodeId, {
          type: 'GrantClearance',
          at: now().toISOString(),
          actor: { userId: 'ehr-interface-engine', role: 'ehr-feed' },
          findingId,
          clearedBy: referringPhysician,
          clearedOn: calendar.today,
        });
        await pollFor(
          () => api.call(lead, 'GET', `/episodes/${episodeId}`),
          (answer) => answer.body['status'] === 'active',
          `${kase}: the clearance from the EHR feed`,
          30_000,
        );
        step(`${kase}: cleared by the EHR feed`);
      },
    };
    const outcome = await courses[kase](context);
    return {
      kase,
      episodeId,
      therapistId: therapist.therapistId,
      payerId: demoReferral(departmentId, runId, kase, calendar).payer.payerId,
      serviceDays,
      refusals,
      ...outcome,
    };
  };

  // The fibromyalgia referral goes first and alone: the oncology-certified therapist with the most
  // availability takes it and so reaches her caseload limit of one, which routing counts from reporting.
  const first = await accepted('fibromyalgia');
  const full = therapists.find((t) => t.caseloadLimit !== undefined);
  if (full !== undefined && first.therapist.therapistId === full.therapistId) {
    // Routing counts a therapist's open episodes from the episode summaries, as this list reads them.
    await pollFor(
      () => api.call(lead, 'GET', `/episodes?therapist=${full.therapistId}&status=active`),
      (answer) => ((answer.body['items'] as unknown[] | undefined) ?? []).length >= (full.caseloadLimit ?? 0),
      'the caseload of the therapist at her limit',
      60_000,
    );
  }
  const others = demoCases.filter(
    (kase): kase is Exclude<DemoCase, 'bad-npi' | 'fibromyalgia'> => kase !== 'bad-npi' && kase !== 'fibromyalgia',
  );
  const starts: { kase: Exclude<DemoCase, 'bad-npi'>; episodeId: string; therapist: DemoTherapist }[] = [
    { kase: 'fibromyalgia', ...first },
  ];
  for (const kase of others) starts.push({ kase, ...(await accepted(kase)) });

  const refusedAnswer = await refer('bad-npi');
  if (refusedAnswer.status !== 422) throw new Error(`the referral with a bad NPI should be refused, answered HTTP ${refusedAnswer.status}`);
  step('bad NPI: referral refused');

  const episodes = await Promise.all(starts.map(({ kase, episodeId, therapist }) => drive(kase, episodeId, therapist)));
  options.onStep?.(total, total, 'done');
  return {
    departmentId,
    calendar,
    therapists,
    episodes,
    refusedReferral: { kase: 'bad-npi', status: refusedAnswer.status, code: problemCode(refusedAnswer) },
    callers: { lead, billing, auditor, admin },
    notShown: [
      'offer expiry and escalation: an offer waits 24 hours (at least 1 hour by the settings) on the real clock',
      'an unsigned note turning overdue: 24 hours after the session is recorded',
      "KX and targeted-review crossings: they need a year's charges of one patient with the payer",
    ],
  };
};

export const therapistCaller = (therapist: DemoTherapist, departmentId: string): Caller => ({
  userId: `user-${therapist.therapistId}`,
  role: 'therapist',
  departments: [departmentId],
});

const pendingOffer = (answer: ApiAnswer): string | undefined => {
  const state = answer.body['state'] as { routing?: { offers?: { therapistId: string; outcome: string }[] } } | undefined;
  return state?.routing?.offers?.find((offer) => offer.outcome === 'pending')?.therapistId;
};
