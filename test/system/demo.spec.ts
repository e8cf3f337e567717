import { randomBytes } from 'node:crypto';
import JSZip from 'jszip';
import { startReceiver, type Receiver } from '@careflow/notices/src/testing/receiver';
import { uniqueSuffix } from '../support/env';
import { type DemoApi, demoApi, pollFor } from '../support/demo/api-client';
import { type DemoEpisode, type DemoRun, runDemo } from '../support/demo/driver';
import { type DemoReadModels, readDemoModels } from '../support/demo/read-models';
import { type DemoStack, stackApps, startDemoStack } from '../support/demo/stack';

/**
 * `npm start`'s demo department, driven through the public API of the built apps on the local stack
 * (docs/demo.md), and what every read model, billing and the referrer's endpoint come to show of it.
 */
describe('the demo department on the whole stack', () => {
  let receiver: Receiver;
  let stack: DemoStack;
  let api: DemoApi;
  let run: DemoRun;
  let models: DemoReadModels;
  const departmentId = `demo-system-${uniqueSuffix()}`;
  const byCase = (kase: DemoEpisode['kase']): DemoEpisode => {
    const episode = run.episodes.find((candidate) => candidate.kase === kase);
    if (episode === undefined) throw new Error(`no ${kase} episode in the run`);
    return episode;
  };

  beforeAll(async () => {
    receiver = await startReceiver();
    stack = await startDemoStack({ NOTICES_ENDPOINT_URL: receiver.url });
    api = demoApi(stack.apiUrl, stack.authSecret);
    try {
      run = await runDemo({
        api,
        departmentId,
        runId: `${departmentId}-${randomBytes(2).toString('hex')}`,
        sendEhrClearance: stack.sendEhrClearance,
      });
      models = await readDemoModels(api, run, 90_000);
    } catch (error) {
      // What the apps logged last (their logs hold no PHI) says which stage did not catch up.
      const logs = stackApps.map((app) => `--- ${app}\n${stack.output(app).split('\n').slice(-15).join('\n')}`).join('\n');
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${logs}`);
    }
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
    await receiver?.stop();
  });

  it('takes every referral but the one with a bad NPI, and routes by certificate, licence and caseload', async () => {
    expect(run.refusedReferral).toEqual({ kase: 'bad-npi', status: 422, code: 'INVALID_NPI' });
    const full = run.therapists.find((therapist) => therapist.caseloadLimit !== undefined);
    expect(byCase('fibromyalgia').therapistId).toBe(full?.therapistId);
    expect(byCase('oncology-lymphedema').therapistId).toBe(`${departmentId}-oncology`);
    expect(byCase('pregnancy').therapistId).toBe(`${departmentId}-prenatal`);
    expect(run.episodes.map((episode) => episode.therapistId)).not.toContain(`${departmentId}-lapsed`);
    // The routing is explained on the timeline: the therapist at her limit and the expired licence.
    const timeline = await api.call(run.callers.lead, 'GET', `/episodes/${byCase('oncology-lymphedema').episodeId}/timeline`);
    expect(timeline.status).toBe(200);
    const words = JSON.stringify(timeline.body);
    expect(words).toMatch(/caseload/i);
    expect(words).toMatch(/licen[cs]e/i);
  });

  it('refuses what the rules refuse on the way (plateau pending, anticoagulant, operated site)', () => {
    expect(byCase('neck-pain').refusals).toEqual([{ what: expect.any(String), code: 'PLATEAU_DECISION_REQUIRED' }]);
    expect(byCase('warfarin').refusals).toEqual([{ what: expect.any(String), code: 'TECHNIQUE_RESTRICTED' }]);
    expect(byCase('post-surgical').refusals).toEqual([{ what: expect.any(String), code: 'TECHNIQUE_RESTRICTED' }]);
  });

  it('episode summaries, caseloads and operations show each episode as the clinic left it', () => {
    for (const episode of run.episodes) {
      const summary = models.summaries.find((row) => row.episodeId === episode.episodeId);
      expect({ kase: episode.kase, status: summary?.status, therapistId: summary?.therapistId }).toEqual({
        kase: episode.kase,
        status: episode.expectedStatus,
        therapistId: episode.therapistId,
      });
    }
    expect(models.summaries.find((row) => row.episodeId === byCase('pregnancy').episodeId)?.certificationStatus).not.toBe('certified');
    const full = models.therapists.find((therapist) => therapist.therapistId === `${departmentId}-oncology-full`);
    // The fibromyalgia episode she carried is discharged now.
    expect(full?.caseload).toMatchObject({ limit: 1 });
    const open = run.episodes.filter((episode) => episode.expectedStatus === 'active');
    const carried = models.therapists
      .filter((therapist) => therapist.therapistId.startsWith(departmentId))
      .reduce((sum, therapist) => sum + therapist.caseload.activeEpisodes, 0);
    expect(carried).toBe(open.length);
    const reasons = Object.fromEntries(
      models.compliance.dischargeReasons
        .filter((row) => (row as { departmentId?: string }).departmentId === departmentId)
        .map((row) => [row.dischargeReason, Number(row.episodes ?? row.count)]),
    );
    expect(reasons).toEqual({ 'goals-met': 1, 'maximum-medical-improvement': 1, 'non-adherence': 1, 'referred-back': 1 });
    expect(models.compliance.operations.filter((row) => row['departmentId'] === departmentId)).toHaveLength(1);
  });

  it('worklists hold the uncertified plans, compliance the delinquent one; outcomes count the MCID attained', () => {
    const certificationsDue = models.worklists.get('certifications-due') ?? [];
    expect(certificationsDue.map((row) => row['episodeId']).sort()).toEqual(
      [byCase('pregnancy').episodeId, byCase('warfarin').episodeId].sort(),
    );
    expect(models.compliance.findings.filter((row) => (row as { departmentId?: string }).departmentId === departmentId)).toEqual([
      { departmentId, finding: 'certification-delinquent', count: 1 },
    ]);
    const plateaus = models.worklists.get('plateau-decisions-pending') ?? [];
    expect(plateaus).toEqual([]);
    const odi = models.outcomes.find(
      (row) => row['departmentId'] === departmentId && row['diagnosisGroup'] === 'M54' && row['measure'] === 'ODI',
    );
    expect(odi).toMatchObject({ episodesDischarged: 1, episodesDischargedAttained: 1 });
    const ndi = models.outcomes.find((row) => row['departmentId'] === departmentId && row['measure'] === 'NDI');
    expect(ndi).toMatchObject({ episodesDischarged: 1, episodesDischargedAttained: 0 });
  });

  it('charges follow each payer’s rules, and every discharged episode has its claim', () => {
    const lowBack = models.charges.get(byCase('low-back-pain').episodeId) ?? [];
    const visit = lowBack.find((day) => day.lines.some((line) => line.code === '97124'));
    // Medicare-type: 45 timed minutes are 3 units by the 8-minute rule, GP on each line, 59 on the second region.
    expect(visit?.lines.map((line) => [line.code, line.units, [...line.modifiers].sort()])).toEqual([
      ['97140', 2, ['GP']],
      ['97124', 1, ['59', 'GP']],
    ]);
    // A licensed massage therapist is no Medicare provider, and the plan is not certified yet: held, not billable.
    const pregnancy = models.charges.get(byCase('pregnancy').episodeId) ?? [];
    expect(pregnancy.flatMap((day) => day.lines.map((line) => [line.code, line.billable]))).toEqual([
      ['97162', false],
      ['97124', false],
      ['97124', false],
    ]);
    expect(pregnancy.filter((day) => day.held).map((day) => day.certificationStanding)).toEqual([
      'awaiting-certification',
      'awaiting-certification',
    ]);
    // Sessions past the certification deadline are billed, flagged; the bedside interruption's minutes add up (15 + 10).
    const warfarin = models.charges.get(byCase('warfarin').episodeId) ?? [];
    const sessions = warfarin.filter((day) => day.lines.some((line) => line.code === '97140'));
    expect(sessions.map((day) => [day.certificationStanding, day.lines.map((line) => line.minutes)])).toEqual([
      ['delinquent', [30]],
      ['delinquent', [25]],
    ]);
    // Commercial: per-code midpoint, no GP.
    const fibromyalgia = models.charges.get(byCase('fibromyalgia').episodeId) ?? [];
    const massage = fibromyalgia.flatMap((day) => day.lines).find((line) => line.code === '97124');
    expect(massage).toMatchObject({ units: 3, modifiers: [] });
    const finished = run.episodes.filter((episode) => episode.expectedStatus === 'finished');
    for (const episode of finished) {
      const claims = models.claims.filter((claim) => claim.episodeId === episode.episodeId);
      expect({ kase: episode.kase, claims: claims.length }).toEqual({ kase: episode.kase, claims: 1 });
      const billed = (models.charges.get(episode.episodeId) ?? [])
        .flatMap((day) => day.lines)
        .filter((line) => line.billable)
        .reduce((sum, line) => sum + line.amountCents, 0);
      expect(claims[0]?.totalChargeCents).toBe(billed);
    }
    expect(
      models.claims.filter((claim) => run.episodes.find((episode) => episode.episodeId === claim.episodeId)?.expectedStatus === 'active'),
    ).toEqual([]);
  });

  it('the referrer receives each acceptance, progress report and discharge summary once, as FHIR Communications', async () => {
    const expected = (episode: DemoEpisode): string[] => {
      const reports = { 'low-back-pain': 1, 'neck-pain': 2, 'oncology-lymphedema': 1 }[episode.kase as string] ?? 0;
      return [
        'referral-accepted',
        ...Array.from({ length: reports }, () => 'progress-report'),
        ...(episode.expectedStatus === 'finished' ? ['discharge-summary'] : []),
      ];
    };
    const received = (episode: DemoEpisode): string[] => {
      const referralId = `${run.departmentId}`;
      const notices = new Map<string, string>();
      for (const request of receiver.requests) {
        const basedOn = JSON.stringify(request.communication.basedOn ?? []);
        if (!basedOn.includes(referralId) || !basedOn.includes(episode.kase)) continue;
        const identifier = request.communication.identifier?.[0]?.value ?? '';
        notices.set(identifier, request.communication.category?.[0]?.coding?.[0]?.code ?? '');
      }
      return [...notices.values()].sort();
    };
    await pollFor(
      async () => run.episodes.map((episode) => received(episode)),
      (all) => run.episodes.every((episode, index) => JSON.stringify(all[index]) === JSON.stringify(expected(episode).sort())),
      'the referrer’s notices',
      60_000,
      500,
    ).catch(() => undefined);
    for (const episode of run.episodes) {
      expect({ kase: episode.kase, notices: received(episode) }).toEqual({ kase: episode.kase, notices: expected(episode).sort() });
    }
    // Every notice was sent once: the receiver answered each at once, so nothing had to be sent again.
    const sends = new Map<string, number>();
    for (const request of receiver.requests) {
      const identifier = request.communication.identifier?.[0]?.value ?? '';
      sends.set(identifier, (sends.get(identifier) ?? 0) + 1);
    }
    expect([...sends.values()].filter((count) => count !== 1)).toEqual([]);
  });

  it('the auditor gets the discharged episode’s audit packet with a verified event chain', async () => {
    const response = await fetch(`${stack.apiUrl}/episodes/${byCase('low-back-pain').episodeId}/audit-packet`, {
      headers: { authorization: `Bearer ${await api.token(run.callers.auditor)}` },
    });
    expect(response.status).toBe(200);
    const zip = await JSZip.loadAsync(Buffer.from(await response.arrayBuffer()));
    const verification = JSON.parse((await zip.file('chain-verification.json')?.async('string')) ?? '{}') as { verified?: boolean };
    expect(verification.verified).toBe(true);
    expect(Object.keys(zip.files).sort()).toEqual(
      ['audit-trail.json', 'chain-verification.json', 'chart.pdf', 'event-stream.json', 'fhir-bundle.json', 'manifest.json'].sort(),
    );
  });
});
