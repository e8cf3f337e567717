import { randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import { Client, WorkflowFailedError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, defaultPayloadConverter } from '@temporalio/common';
import { pollUntil } from '@careflow/event-store/testing';
import { addDays, type CareEpisodeCommand, defaultDepartmentSettings, type PlanOfCare } from '@careflow/domain';
import {
  clock,
  createEpisodeWorker,
  type EpisodeHarness,
  eventTypesOf,
  lead,
  msPerDay,
  referral,
  refusalCode,
  startEpisode,
  startHarness,
  type StartedEpisode,
  therapistActor,
  therapistProfile,
  validNpi,
} from '../support/episode-harness';
import { historyFixtureKeyring, historyFixtureNamespace, recordHistory } from '../support/histories';
import { uniqueSuffix } from '../support/env';
import { continueAsCareEpisode } from '../fixtures/episode-workflows';
import { injectedFaultMarker } from '../fixtures/episode-workflows/faulty-domain';
import {
  type CareEpisodeInput,
  clearanceReceivedSignal,
  domainRefusalFailureType,
  episodeDepartmentSearchAttribute,
  invalidEpisodeStartFailureType,
  submitCommandUpdate,
} from '@careflow/contracts';
import { EncryptionCodec } from '@careflow/temporal';

const physician = { name: 'Dr. Certifier', npi: validNpi, credential: 'MD' };
/** The hospital's EHR interface engine, the one sender of clearance Signals. */
const ehrFeed = { userId: 'ehr-interface', role: 'ehr-feed' };

const plan = (startDate: string, overrides: Partial<PlanOfCare> = {}): PlanOfCare => ({
  goals: [
    { goalId: 'goal-pain', description: 'pain at most 2', measure: 'NPRS', baseline: 7, target: 2, targetDate: addDays(startDate, 80) },
    {
      goalId: 'goal-function',
      description: 'ODI at most 20',
      measure: 'ODI',
      baseline: 40,
      target: 20,
      targetDate: addDays(startDate, 80),
    },
  ],
  primaryMeasure: 'NPRS',
  techniques: ['myofascial-release', 'swedish'],
  frequencyPerWeek: 2,
  durationWeeks: 10,
  precautions: [],
  ...overrides,
});

/** Moves the test server's clock forward and returns the new now/today. */
const advance = async (harness: EpisodeHarness, days: number) => {
  await harness.env.sleep(days * msPerDay);
  return clock(harness.env);
};

describe('careEpisode workflow on the time-skipping server', () => {
  let harness: EpisodeHarness;

  beforeAll(async () => {
    harness = await startHarness();
  });

  afterAll(async () => {
    await harness?.teardown();
  });

  type Intake = Extract<CareEpisodeCommand, { type: 'RecordIntake' }>['intake'];

  /** A referral offered to t-2 alone, accepted, and its intake recorded (nothing found unless given). */
  const acceptedWithIntake = async (intake: Partial<Intake> = {}, startOptions: Parameters<typeof startEpisode>[1] = {}) => {
    harness.therapists = [therapistProfile('t-2')];
    const episode = await startEpisode(harness, startOptions);
    await pollUntil(episode.snapshot, (s) => s.state.routing?.offers.length === 1, { what: 'the referral is offered' });
    const { now, today } = await clock(harness.env);
    await episode.submit({ type: 'AcceptOffer', at: now, actor: therapistActor('t-2'), therapistId: 't-2' });
    await episode.submit({
      type: 'RecordIntake',
      at: now,
      actor: therapistActor('t-2'),
      intake: { medicalHistory: [], medications: [], allergies: [], recentSurgeries: [], patientGoals: ['walk'], findings: [], ...intake },
    });
    return { episode, now, today };
  };

  /** Referral routed to t-1, declined, re-offered to t-2 who accepts; then intake, assessment, plan, certification. */
  const throughCertification = async (): Promise<{ episode: StartedEpisode; start: string }> => {
    harness.therapists = [therapistProfile('t-1', { availability: 0.9 }), therapistProfile('t-2', { availability: 0.4 })];
    const episode = await startEpisode(harness);
    await pollUntil(episode.snapshot, (s) => s.state.routing?.offers.length === 1, { what: 'the referral is offered' });
    let { now } = await clock(harness.env);
    await episode.submit({ type: 'DeclineOffer', at: now, actor: therapistActor('t-1'), therapistId: 't-1', reason: 'caseload' });
    await episode.submit({ type: 'AcceptOffer', at: now, actor: therapistActor('t-2'), therapistId: 't-2' });

    ({ now } = await advance(harness, 1));
    await episode.submit({
      type: 'RecordIntake',
      at: now,
      actor: therapistActor('t-2'),
      intake: {
        medicalHistory: ['low back pain'],
        medications: [],
        allergies: [],
        recentSurgeries: [],
        patientGoals: ['garden without pain'],
        findings: [],
      },
    });
    const { now: assessedAt, today: start } = await advance(harness, 1);
    await episode.submit({
      type: 'RecordAssessment',
      at: assessedAt,
      actor: therapistActor('t-2'),
      assessment: {
        assessedOn: start,
        specialTests: [{ name: 'straight leg raise', side: 'left', result: 'negative' }],
        posturalFindings: ['anterior pelvic tilt'],
        rangeOfMotion: [{ joint: 'lumbar spine', motion: 'flexion', degrees: 40 }],
        painRegions: ['lower-back'],
        measures: [
          { measure: 'NPRS', value: 7 },
          { measure: 'ODI', value: 40 },
        ],
        evaluationCode: '97162',
      },
    });
    await episode.submit({ type: 'EstablishPlanOfCare', at: assessedAt, actor: therapistActor('t-2'), plan: plan(start) });
    await episode.submit({
      type: 'CertifyPlanOfCare',
      at: assessedAt,
      actor: lead,
      kind: 'written',
      certifier: physician,
      certifiedOn: start,
    });
    return { episode, start };
  };

  const session = (sessionId: string, at: string, date: string): CareEpisodeCommand => ({
    type: 'RecordSession',
    at,
    actor: therapistActor('t-2'),
    sessionId,
    session: {
      date,
      therapist: { therapistId: 't-2', licenseExpiresOn: '2099-12-31' },
      lines: [{ code: '97140', minutes: 30, bodyRegions: ['lower-back'] }],
      techniques: ['myofascial-release'],
      pressure: [{ bodyRegion: 'lower-back', pressure: 'moderate' }],
      painBefore: 6,
      painAfter: 4,
      adverseEvents: [],
      selfPay: false,
    },
  });

  const treat = async (episode: StartedEpisode, sessionId: string) => {
    const { now, today } = await clock(harness.env);
    await episode.submit(session(sessionId, now, today));
    await episode.submit({ type: 'SignNote', at: now, actor: therapistActor('t-2'), sessionId });
  };

  const progressReport = async (episode: StartedEpisode, reportId: string, nprs: number, odi: number, psfs?: number) => {
    const { now, today } = await clock(harness.env);
    await episode.submit({
      type: 'RecordProgressReport',
      at: now,
      actor: therapistActor('t-2'),
      reportId,
      reportedOn: today,
      measures: [
        { measure: 'NPRS', value: nprs },
        { measure: 'ODI', value: odi },
        ...(psfs === undefined ? [] : [{ measure: 'PSFS' as const, value: psfs }]),
      ],
      narrative: 'progressing toward the goals',
    });
  };

  it('carries a complete episode from referral to discharge', async () => {
    const { episode, start } = await throughCertification();
    // 20 sessions over about 10 weeks (twice a week), progress reports before the 11th and 21st
    // treatment day, a re-evaluation that revises the plan, recertification, discharge.
    for (let n = 1; n <= 20; n++) {
      await advance(harness, n % 2 === 1 ? 3 : 4);
      await treat(episode, `s-${n}`);
      if (n === 9) await progressReport(episode, 'pr-1', 5, 32);
      if (n === 12) {
        const { now, today } = await clock(harness.env);
        await episode.submit({
          type: 'RecordReevaluation',
          at: now,
          actor: therapistActor('t-2'),
          reevaluationId: 're-1',
          reevaluatedOn: today,
          reason: 'significant-change',
          findings: 'pain now localised; add Swedish work on the upper back',
          measures: [
            { measure: 'NPRS', value: 4 },
            { measure: 'ODI', value: 28 },
            { measure: 'PSFS', value: 4 },
          ],
          billAsReevaluation: true,
        });
        await episode.submit({
          type: 'RevisePlanOfCare',
          at: now,
          actor: therapistActor('t-2'),
          reason: 'add a goal after re-evaluation',
          plan: plan(start, {
            goals: [
              ...plan(start).goals,
              {
                goalId: 'goal-sleep',
                description: 'PSFS sleep at least 8',
                measure: 'PSFS',
                baseline: 4,
                target: 8,
                targetDate: addDays(start, 80),
              },
            ],
          }),
        });
        await episode.submit({ type: 'RecertifyPlanOfCare', at: now, actor: lead, certifier: physician, signedOn: today });
      }
      if (n === 18) await progressReport(episode, 'pr-2', 2, 18, 7);
    }
    const { now, today } = await advance(harness, 2);
    await episode.submit({
      type: 'DischargeEpisode',
      at: now,
      actor: therapistActor('t-2'),
      dischargedOn: today,
      reason: 'goals-met',
      measures: [
        { measure: 'NPRS', value: 2 },
        { measure: 'ODI', value: 16 },
        { measure: 'PSFS', value: 8 },
      ],
      narrative: 'goals met; home program given',
    });

    await expect(episode.handle.result()).resolves.toBe('finished');
    await recordHistory(episode, 'complete-episode');
    const events = await harness.eventStore.readStream(episode.episodeId);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('ReferralReceived');
    expect(types).toEqual(
      expect.arrayContaining([
        'ReferralRouted',
        'OfferDeclined',
        'OfferAccepted',
        'PlanOfCareCertified',
        'ProgressReportRecorded',
        'ReevaluationRecorded',
        'PlanOfCareRecertified',
        'EpisodeDischarged',
        'ReferringProviderNoticeIssued',
      ]),
    );
    expect(types.filter((t) => t === 'SessionRecorded')).toHaveLength(20);
    expect(events.map((e) => e.streamVersion)).toEqual(events.map((_, i) => i + 1));
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    expect(new Set(events.map((e) => e.metadata.departmentId))).toEqual(new Set(['department-under-test']));
  });

  it('refuses the 11th treatment day until a progress report exists, and writes nothing for the refusal', async () => {
    const { episode } = await throughCertification();
    for (let n = 1; n <= 9; n++) {
      await advance(harness, 1);
      await treat(episode, `s-${n}`);
    }
    const { now, today } = await advance(harness, 1);
    const before = await eventTypesOf(harness, episode.episodeId);
    const updatesAndActivities = async () =>
      ((await episode.handle.fetchHistory()).events ?? []).filter(
        (e) => e.workflowExecutionUpdateAcceptedEventAttributes || e.activityTaskScheduledEventAttributes,
      ).length;
    const recordedBefore = await updatesAndActivities();
    await expect(refusalCode(episode.submit(session('s-10', now, today)))).resolves.toBe('PROGRESS_REPORT_OVERDUE');
    expect(await eventTypesOf(harness, episode.episodeId)).toEqual(before);
    // A validator rejection is never written to history: no accepted update, no append activity.
    expect(await updatesAndActivities()).toBe(recordedBefore);
    await progressReport(episode, 'pr-1', 5, 32);
    await expect(episode.submit(session('s-10', now, today))).resolves.toMatchObject({ events: [{ type: 'SessionRecorded' }] });
    await recordHistory(episode, 'progress-report-gate');
  });

  it('expires unanswered offers one by one, then escalates to the department lead', async () => {
    harness.therapists = [
      therapistProfile('t-a', { availability: 0.9 }),
      therapistProfile('t-b', { availability: 0.6 }),
      therapistProfile('t-c'),
    ];
    const episode = await startEpisode(harness);
    await pollUntil(episode.snapshot, (s) => s.state.routing?.offers.length === 1, { what: 'the referral is offered' });
    for (let day = 0; day < 4; day++) await advance(harness, 1);
    const types = await eventTypesOf(harness, episode.episodeId);
    expect(types.filter((t) => t === 'TherapistOffered')).toHaveLength(3);
    expect(types.filter((t) => t === 'OfferExpired')).toHaveLength(3);
    expect(types.filter((t) => t === 'RoutingEscalated')).toHaveLength(1);
    expect((await episode.snapshot()).state.status).toBe('waitlist');
    await recordHistory(episode, 'offers-expire-then-escalate');
  });

  it('marks an uncertified plan of care delinquent after 30 days', async () => {
    const { episode, now, today } = await acceptedWithIntake();
    await episode.submit({
      type: 'RecordAssessment',
      at: now,
      actor: therapistActor('t-2'),
      assessment: {
        assessedOn: today,
        specialTests: [],
        posturalFindings: [],
        rangeOfMotion: [],
        painRegions: ['lower-back'],
        measures: [
          { measure: 'NPRS', value: 6 },
          { measure: 'ODI', value: 40 },
        ],
        evaluationCode: '97161',
      },
    });
    await episode.submit({ type: 'EstablishPlanOfCare', at: now, actor: therapistActor('t-2'), plan: plan(today) });
    await advance(harness, 30);
    expect(await eventTypesOf(harness, episode.episodeId)).not.toContain('CertificationDelinquent');
    await advance(harness, 2);
    expect(await eventTypesOf(harness, episode.episodeId)).toContain('CertificationDelinquent');
  });

  it('refuses sessions after the certified period ends', async () => {
    const { episode } = await throughCertification();
    const { now, today } = await advance(harness, 91);
    expect(await eventTypesOf(harness, episode.episodeId)).toContain('CertifiedPeriodEnded');
    await expect(refusalCode(episode.submit(session('late', now, today)))).resolves.toBe('CERTIFICATION_EXPIRED');
  });

  it('raises an alert for a note left unsigned for 24 hours', async () => {
    const { episode } = await throughCertification();
    const { now, today } = await advance(harness, 1);
    await episode.submit(session('unsigned', now, today));
    await advance(harness, 0.5);
    expect(await eventTypesOf(harness, episode.episodeId)).not.toContain('NoteSignatureOverdue');
    await advance(harness, 0.6);
    expect(await eventTypesOf(harness, episode.episodeId)).toContain('NoteSignatureOverdue');
  });

  it('keeps a patient name out of the raw history and the search attributes', async () => {
    const canary = `Canary-${randomUUID()}`;
    const mrn = `mrn-${randomUUID()}`;
    const { episode } = await acceptedWithIntake(
      { medicalHistory: [`${canary} history`], patientGoals: [canary] },
      { referral: { patient: { mrn, name: canary, birthDate: '1961-02-03', sex: 'male', stateOfResidence: 'MD' } } },
    );

    const { history } = await harness.env.client.workflowService.getWorkflowExecutionHistory({
      namespace: harness.env.namespace ?? 'default',
      execution: { workflowId: episode.handle.workflowId },
    });
    const rawHistory = Buffer.from(
      temporal.api.history.v1.History.encode(temporal.api.history.v1.History.fromObject(history ?? {})).finish(),
    );
    const description = await episode.handle.describe();
    expect(rawHistory.length).toBeGreaterThan(0);
    expect(rawHistory.includes(canary)).toBe(false);
    // Indexed fields are protobuf bytes: decode them, or a name in them could never be found.
    const indexed = Object.entries(description.raw.workflowExecutionInfo?.searchAttributes?.indexedFields ?? {}).map(
      ([name, payload]) => `${name}=${Buffer.from(payload.data ?? new Uint8Array()).toString('utf8')}`,
    );
    expect(indexed).toContain(`${episodeDepartmentSearchAttribute.name}="department-under-test"`);
    for (const phi of [canary, mrn, '1961-02-03']) expect(indexed.join('\n')).not.toContain(phi);
    expect(episode.handle.workflowId).not.toContain(canary);
    // The event store is the clinical record: the name is there, so the check above can fail.
    expect(JSON.stringify(await harness.eventStore.readStream(episode.episodeId))).toContain(canary);
  });

  it('turns the same referral sent twice into one episode', async () => {
    harness.therapists = [therapistProfile('t-2')];
    const { today } = await clock(harness.env);
    const order = referral(today);
    const first = await startEpisode(harness, { referralRecord: order });
    const second = await startEpisode(harness, { referralRecord: order });
    expect(second.episodeId).toBe(first.episodeId);
    expect(second.handle.workflowId).toBe(first.handle.workflowId);
    await pollUntil(first.snapshot, (s) => s.state.routing?.offers.length === 1, { what: 'the referral is offered' });
    expect((await eventTypesOf(harness, first.episodeId)).filter((t) => t === 'ReferralReceived')).toHaveLength(1);
  });

  it('accepts a clearance from the EHR feed as a signal', async () => {
    const { episode, now, today } = await acceptedWithIntake({
      findings: [{ findingId: 'f-fever', condition: 'fever-or-acute-infection' }],
    });
    const held = await episode.snapshot();
    expect(held.state.status).toBe('onhold');
    await episode.handle.signal(clearanceReceivedSignal, {
      type: 'GrantClearance',
      at: now,
      actor: ehrFeed,
      findingId: 'f-fever',
      clearedBy: physician,
      clearedOn: today,
    });
    await pollUntil(episode.snapshot, (s) => s.state.contraindications.every((c) => c.cleared), {
      what: 'every contraindication is cleared',
    });
    expect(await eventTypesOf(harness, episode.episodeId)).toContain('ClearanceGranted');
  });

  describe('with a second worker whose bundle hands over by continue-as-new and injects faults into decide', () => {
    let taskQueue: string;
    let stopWorker: () => Promise<void>;

    beforeAll(async () => {
      taskQueue = `care-episodes-faulty-${uniqueSuffix()}`;
      const worker = await createEpisodeWorker(harness, {
        taskQueue,
        workflowsPath: require.resolve('../fixtures/episode-workflows'),
        bundlerOptions: {
          webpackConfigHook: (config) => ({
            ...config,
            resolve: {
              ...config.resolve,
              alias: { ...config.resolve?.alias, '@careflow/domain$': require.resolve('../fixtures/episode-workflows/faulty-domain') },
            },
          }),
        },
      });
      const running = worker.run();
      stopWorker = async () => {
        worker.shutdown();
        await running;
      };
    });

    afterAll(async () => {
      await stopWorker?.();
    });

    const carriedInputOf = async (before: StartedEpisode): Promise<CareEpisodeInput> => {
      const routed = await pollUntil(before.snapshot, (s) => s.state.routing?.offers.length === 1, { what: 'the referral is offered' });
      await before.handle.terminate('simulating the end of a run that continued as new');
      const referralRecord = routed.state.referral;
      if (!referralRecord) throw new Error('the routed episode has no referral');
      return {
        episodeId: before.episodeId,
        departmentId: routed.departmentId,
        settings: defaultDepartmentSettings,
        referral: {
          type: 'ReceiveReferral',
          at: new Date().toISOString(),
          actor: lead,
          episodeId: before.episodeId,
          referral: referralRecord,
        },
        carried: { state: routed.state, version: routed.version, settledDeadlines: [] },
      };
    };

    it('picks up from carried state after continue-as-new, appending after the carried version', async () => {
      harness.therapists = [therapistProfile('t-2')];
      const before = await startEpisode(harness);
      const carriedInput = await carriedInputOf(before);
      const carriedVersion = carriedInput.carried?.version ?? 0;
      const next = await harness.env.client.workflow.start(continueAsCareEpisode, {
        taskQueue,
        workflowId: `${before.handle.workflowId}-continued`,
        args: [carriedInput],
      });
      // An Update sent before the hand-over would reach the handing-over run, which has no handler.
      const latest = harness.env.client.workflow.getHandle(next.workflowId);
      await pollUntil(
        () => latest.describe(),
        (run) => run.type === 'careEpisode',
        { what: 'the continued run is a care episode' },
      );
      const { now } = await clock(harness.env);
      await latest.executeUpdate(submitCommandUpdate, {
        args: [{ type: 'AcceptOffer', at: now, actor: therapistActor('t-2'), therapistId: 't-2' }],
      });
      const events = await harness.eventStore.readStream(before.episodeId);
      expect(events.slice(0, carriedVersion).map((e) => e.type)).not.toContain('OfferAccepted');
      expect(events.slice(carriedVersion).map((e) => e.type)).toContain('OfferAccepted');
      expect(events.filter((e) => e.type === 'ReferralReceived')).toHaveLength(1);
      expect(events.map((e) => e.streamVersion)).toEqual(events.map((_, i) => i + 1));
    });

    it('refuses carried state on a start that did not continue from a run of the episode', async () => {
      harness.therapists = [therapistProfile('t-2')];
      const before = await startEpisode(harness);
      const carriedInput = await carriedInputOf(before);
      const forged = await harness.env.client.workflow.start('careEpisode', {
        taskQueue: harness.taskQueue,
        workflowId: `${before.handle.workflowId}-forged`,
        args: [carriedInput],
      });
      await expect(startFailureOf(forged)).resolves.toEqual({
        type: invalidEpisodeStartFailureType,
        message: 'The episode cannot start from carried state: only a run that continued as new may carry state.',
      });
      expect((await harness.eventStore.readStream(before.episodeId)).length).toBe(carriedInput.carried?.version);
    });

    it('fails the workflow task, instead of refusing the Update, when decide throws; nothing is written', async () => {
      const { episode } = await acceptedWithIntake({}, { taskQueue });
      const before = await eventTypesOf(harness, episode.episodeId);
      const { now } = await clock(harness.env);
      const outcome = episode.submit({ type: 'PlaceOnHold', at: now, actor: therapistActor('t-2'), reason: injectedFaultMarker }).then(
        () => 'completed',
        (error: unknown) => error,
      );
      await pollUntil(
        () => workflowTaskFailures(episode),
        (messages) => messages.some((m) => m.includes('a fault in decide')),
        { what: 'the workflow task fails on the fault in decide' },
      );
      await expect(Promise.race([outcome, new Promise((resolve) => setTimeout(() => resolve('pending'), 500))])).resolves.toBe('pending');
      expect(await eventTypesOf(harness, episode.episodeId)).toEqual(before);
      await episode.handle.terminate('the injected fault cannot be fixed in this test');
    });

    it('fails the workflow task, instead of dropping or recording the clearance, when decide throws on it', async () => {
      const { episode, now, today } = await acceptedWithIntake(
        { findings: [{ findingId: 'f-fever', condition: 'fever-or-acute-infection' }] },
        { taskQueue },
      );
      const before = await eventTypesOf(harness, episode.episodeId);
      await episode.handle.signal(clearanceReceivedSignal, {
        type: 'GrantClearance',
        at: now,
        actor: ehrFeed,
        findingId: injectedFaultMarker,
        clearedBy: physician,
        clearedOn: today,
      });
      await pollUntil(
        () => workflowTaskFailures(episode),
        (messages) => messages.some((m) => m.includes('a fault in decide')),
        { what: 'the workflow task fails on the fault in decide' },
      );
      expect(await eventTypesOf(harness, episode.episodeId)).toEqual(before);
      await episode.handle.terminate('the injected fault cannot be fixed in this test');
    });
  });

  describe('at the border', () => {
    /** An episode whose routing offered it to t-2, waiting for an answer. */
    const offered = async () => {
      harness.therapists = [therapistProfile('t-2')];
      const episode = await startEpisode(harness);
      await pollUntil(episode.snapshot, (s) => s.state.routing?.offers.length === 1, { what: 'the referral is offered' });
      return episode;
    };
    const shifted = (iso: string, ms: number): string => new Date(Date.parse(iso) + ms).toISOString();

    it.each([
      ['an hour ahead of workflow time', 60 * 60_000],
      ['an hour behind workflow time', -60 * 60_000],
    ])('refuses a command dated %s, and writes nothing', async (_case, offsetMs) => {
      const episode = await offered();
      const before = await eventTypesOf(harness, episode.episodeId);
      const { now } = await clock(harness.env);
      const accept: CareEpisodeCommand = {
        type: 'AcceptOffer',
        at: shifted(now, offsetMs),
        actor: therapistActor('t-2'),
        therapistId: 't-2',
      };
      await expect(refusalCode(episode.submit(accept))).resolves.toBe('IMPLAUSIBLE_COMMAND_TIME');
      expect(await eventTypesOf(harness, episode.episodeId)).toEqual(before);
    });

    it('accepts a command a minute ahead of workflow time (clock drift between hosts)', async () => {
      const episode = await offered();
      const { now } = await clock(harness.env);
      await expect(
        episode.submit({ type: 'AcceptOffer', at: shifted(now, 60_000), actor: therapistActor('t-2'), therapistId: 't-2' }),
      ).resolves.toMatchObject({ events: expect.arrayContaining([expect.objectContaining({ type: 'OfferAccepted' })]) });
    });

    it('refuses, naming the problem, a role not allowed, a deadline from outside, an unknown field and an instant without offset; writes nothing', async () => {
      const episode = await offered();
      const { now } = await clock(harness.env);
      const streamBefore = {
        version: await harness.eventStore.readStreamVersion(episode.episodeId),
        events: await eventTypesOf(harness, episode.episodeId),
      };
      const ssn = '078-05-1120';
      const intakeWithSsn = {
        medicalHistory: [],
        medications: [],
        allergies: [],
        recentSurgeries: [],
        patientGoals: ['walk'],
        findings: [],
        ssn,
      };
      const refused: CareEpisodeCommand[] = [
        { type: 'AcceptOffer', at: now, actor: { userId: 'user-billing', role: 'billing' }, therapistId: 't-2' },
        // Dated after the offer's deadline, as if it had passed.
        {
          type: 'MarkDeadlinePassed',
          at: shifted(now, 2 * msPerDay),
          actor: { userId: 'careflow-system', role: 'system' },
          deadline: 'offer-expiry',
        },
        { type: 'RecordIntake', at: now, actor: therapistActor('t-2'), intake: intakeWithSsn },
        { type: 'AcceptOffer', at: now.replace(/Z$/, ''), actor: therapistActor('t-2'), therapistId: 't-2' },
      ];
      const failures = [];
      for (const command of refused) failures.push(await updateFailureOf(episode.submit(command)));
      expect(failures).toEqual([
        {
          type: domainRefusalFailureType,
          code: 'ROLE_NOT_PERMITTED',
          message: 'The billing role may not AcceptOffer; it is for therapist or department-lead.',
        },
        {
          type: domainRefusalFailureType,
          code: 'SYSTEM_ONLY_COMMAND',
          message: 'MarkDeadlinePassed is sent by the episode itself, never from outside.',
        },
        {
          type: domainRefusalFailureType,
          code: 'INVALID_COMMAND',
          message: 'The RecordIntake command is not valid: command.intake.ssn is not a field it knows.',
        },
        {
          type: domainRefusalFailureType,
          code: 'INVALID_COMMAND',
          message: 'The AcceptOffer command is not valid: command.at must be an ISO 8601 instant with an offset (Z or ±hh:mm).',
        },
      ]);
      expect(JSON.stringify(failures)).not.toContain(ssn);
      expect({
        version: await harness.eventStore.readStreamVersion(episode.episodeId),
        events: await eventTypesOf(harness, episode.episodeId),
      }).toEqual(streamBefore);
      expect((await episode.snapshot()).version).toBe(streamBefore.version);
    });

    it('refuses any command from outside that claims the system role', async () => {
      const episode = await offered();
      const { now } = await clock(harness.env);
      const escalate: CareEpisodeCommand = { type: 'EscalateReferral', at: now, actor: { userId: 'someone', role: 'system' }, reason: 'x' };
      const failure = await updateFailureOf(episode.submit(escalate));
      expect(failure).toEqual({
        type: domainRefusalFailureType,
        code: 'SYSTEM_ONLY_COMMAND',
        message: 'Only the episode itself acts in the system role.',
      });
    });

    it.each([
      ['the department lead', { userId: 'user-lead', role: 'department-lead' }, 'department-lead', 'not-from-ehr-feed'],
      ['someone claiming the system role', { userId: 'ehr-feed', role: 'system' }, 'system', 'not-from-ehr-feed'],
      ['a role Careflow does not know', { userId: 'x', role: 'Jane Doe' }, 'unknown', 'not-from-ehr-feed'],
    ])('records, and does not apply, a clearance Signal from %s', async (_case, actor, claimedRole, reason) => {
      const { episode, now, today } = await acceptedWithIntake({
        findings: [{ findingId: 'f-fever', condition: 'fever-or-acute-infection' }],
      });
      await episode.handle.signal(clearanceReceivedSignal, {
        type: 'GrantClearance',
        at: now,
        actor,
        findingId: 'f-fever',
        clearedBy: physician,
        clearedOn: today,
      });
      await pollUntil(
        () => eventTypesOf(harness, episode.episodeId),
        (types) => types.includes('ClearanceSignalRefused'),
        { what: 'the refused clearance signal is recorded' },
      );
      const events = await harness.eventStore.readStream(episode.episodeId);
      expect(events.map((e) => e.type)).not.toContain('ClearanceGranted');
      const refused = events.find((e) => e.type === 'ClearanceSignalRefused');
      expect(refused?.data).toMatchObject({ claimedRole, reason, actor: { role: 'system' } });
      expect(JSON.stringify(refused)).not.toContain('Jane Doe');
      expect((await episode.snapshot()).state.status).toBe('onhold');
    });

    it('records a clearance Signal dated in the future instead of applying it', async () => {
      const { episode, now, today } = await acceptedWithIntake({
        findings: [{ findingId: 'f-fever', condition: 'fever-or-acute-infection' }],
      });
      await episode.handle.signal(clearanceReceivedSignal, {
        type: 'GrantClearance',
        at: shifted(now, msPerDay),
        actor: ehrFeed,
        findingId: 'f-fever',
        clearedBy: physician,
        clearedOn: today,
      });
      await pollUntil(
        () => eventTypesOf(harness, episode.episodeId),
        (types) => types.includes('ClearanceSignalRefused'),
        { what: 'the refused clearance signal is recorded' },
      );
      const events = await harness.eventStore.readStream(episode.episodeId);
      expect(events.find((e) => e.type === 'ClearanceSignalRefused')?.data).toMatchObject({
        claimedRole: 'ehr-feed',
        reason: 'implausible-time',
      });
      expect(events.map((e) => e.type)).not.toContain('ClearanceGranted');
    });

    it.each([
      [
        'settings that switch a rule off',
        { settings: { ...defaultDepartmentSettings, routing: { ...defaultDepartmentSettings.routing, maxOffers: 0 } } },
        /^The episode cannot start: the department's settings\.routing\.maxOffers must be a whole number from 1 to 20\.$/,
      ],
      [
        'a department id that is not a plain id',
        { departmentId: 'Ward 3, Jane Doe' },
        /^The episode cannot start: the department id is missing or not a plain id\.$/,
      ],
    ])('fails the start, naming the problem, for %s', async (_case, options, message) => {
      harness.therapists = [therapistProfile('t-2')];
      const episode = await startEpisode(harness, options);
      const failure = await startFailureOf(episode.handle);
      expect(failure).toEqual({ type: invalidEpisodeStartFailureType, message: expect.stringMatching(message) });
      expect(failure.message).not.toContain('Jane Doe');
      expect(await eventTypesOf(harness, episode.episodeId)).toEqual([]);
    });

    it('does not read a Signal or an Update sent without the payload codec', async () => {
      const { episode, now, today } = await acceptedWithIntake({
        findings: [{ findingId: 'f-fever', condition: 'fever-or-acute-infection' }],
      });
      const before = await eventTypesOf(harness, episode.episodeId);
      const plaintextClient = new Client({ connection: harness.env.connection, namespace: historyFixtureNamespace });
      const plain = plaintextClient.workflow.getHandle(episode.handle.workflowId);
      await plain.signal(clearanceReceivedSignal, {
        type: 'GrantClearance',
        at: now,
        actor: ehrFeed,
        findingId: 'f-fever',
        clearedBy: physician,
        clearedOn: today,
      });
      const update = plain
        .executeUpdate(submitCommandUpdate, { args: [{ type: 'ResumeEpisode', at: now, actor: therapistActor('t-2') }] })
        .then(
          () => 'completed',
          (error: unknown) => error,
        );
      await pollUntil(
        () => workflowTaskFailures(episode),
        (messages) => messages.some((m) => m.startsWith('Payload is not encrypted')),
        { what: 'the workflow task fails on the plaintext payload' },
      );
      expect(await eventTypesOf(harness, episode.episodeId)).toEqual(before);
      await episode.handle.terminate('a plaintext Signal blocks the episode until an operator resets it');
      await expect(update).resolves.not.toBe('completed');
    });
  });
});

/** What a failed start failed with: the failure type and its (decoded) message. */
const startFailureOf = async (handle: WorkflowHandle): Promise<{ type: string | undefined; message: string }> => {
  const error: unknown = await handle.result().catch((e: unknown) => e);
  const cause = error instanceof WorkflowFailedError ? error.cause : undefined;
  if (!(cause instanceof ApplicationFailure)) throw new Error('the workflow did not fail with an application failure');
  return { type: cause.type ?? undefined, message: cause.message };
};

/** The failure type, refusal code and message a refused Update carries. */
const updateFailureOf = async (
  attempt: Promise<unknown>,
): Promise<{ type: string | undefined; code: string | undefined; message: string }> => {
  const error: unknown = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
  if (!(cause instanceof ApplicationFailure)) throw new Error('the Update was not refused');
  return { type: cause.type ?? undefined, code: (cause.details?.[0] as { code?: string } | undefined)?.code, message: cause.message };
};

/** Messages of the episode's failed workflow tasks, decrypted (the failure converter seals them). */
const workflowTaskFailures = async (episode: { handle: WorkflowHandle }): Promise<string[]> => {
  const codec = new EncryptionCodec(historyFixtureKeyring, historyFixtureNamespace);
  const events = (await episode.handle.fetchHistory()).events ?? [];
  const failures = events.flatMap((e) =>
    e.workflowTaskFailedEventAttributes?.failure ? [e.workflowTaskFailedEventAttributes.failure] : [],
  );
  return Promise.all(
    failures.map(async (failure) => {
      if (!failure.encodedAttributes) return failure.message ?? '';
      const [attributes] = await codec.decode([failure.encodedAttributes]);
      return (defaultPayloadConverter.fromPayload(attributes ?? {}) as { message?: string }).message ?? '';
    }),
  );
};
