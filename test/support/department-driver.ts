/**
 * A seeded department driven through the public API as clinicians would: referrals in, then per episode
 * the offer accepted, intake, assessment, plan of care, certification, sessions with signed notes (a
 * progress report at the tenth treatment day) and discharge. The same seed gives the same commands, so two
 * runs can be compared row by row (docs/chaos.md). The client retries what a real client would retry: a
 * connection error or a 5xx, with the same Idempotency-Key, so a retry never applies a command twice.
 */
import { mintLocalToken, localTokenDefaults } from '@careflow/auth';
import {
  addDays,
  type CareEpisodeCommand,
  commercialPayerSettings,
  defaultDepartmentSettings,
  localDateOf,
  medicareLikePayerSettings,
} from '@careflow/domain';
import * as f from '@careflow/domain/testing';

/** mulberry32: a small seeded source, so a run is reproducible from its seed alone. */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

export interface DriverDepartment {
  readonly departmentId: string;
  readonly therapistIds: readonly string[];
  /** Payers the referrals name (stored by `seedDepartment`). */
  readonly payerIds: readonly [medicareLike: string, commercial: string];
}

export interface EpisodeScript {
  readonly index: number;
  readonly referral: ReturnType<typeof f.referral>;
  /** The commands after the accepted offer, each with the role that sends it. */
  readonly steps: (
    therapistId: string,
  ) => ReadonlyArray<{ readonly path: string; readonly as: 'therapist' | 'lead'; readonly body: object }>;
}

export const licenceExpiry = '2099-12-31';

/** The body a client sends: the command without what the server stamps. */
const bodyOf = (command: CareEpisodeCommand): object => {
  const { type: _type, at: _at, actor: _actor, ...body } = command as CareEpisodeCommand & { episodeId?: string };
  const { episodeId: _episode, ...rest } = body as { episodeId?: string };
  return rest;
};

/**
 * The episodes of one run: `sessions` treatment days each (from `minSessions` to `maxSessions`), minutes
 * and pain scores drawn from the seed; `label` keeps patients apart between runs (their year-to-date
 * charges are per patient), while referral ids repeat so the runs can be matched.
 */
export const episodeScripts = (options: {
  readonly seed: number;
  readonly count: number;
  readonly label: string;
  readonly department: DriverDepartment;
  readonly minSessions: number;
  readonly maxSessions: number;
  readonly today?: string;
}): EpisodeScript[] => {
  const random = seededRandom(options.seed);
  const today = options.today ?? localDateOf(new Date().toISOString(), defaultDepartmentSettings.timeZone);
  const at = `${today}T12:00:00.000Z`;
  return Array.from({ length: options.count }, (_, index) => {
    const span = options.maxSessions - options.minSessions + 1;
    const sessions = options.minSessions + Math.floor(random() * span);
    const payerId = options.department.payerIds[random() < 0.5 ? 0 : 1];
    const minutes = [23, 30, 38, 45, 53][Math.floor(random() * 5)] ?? 30;
    const baseline = 5 + Math.floor(random() * 5);
    const atDischarge = Math.max(0, baseline - 2 - Math.floor(random() * 4));
    const start = addDays(today, -(2 * sessions + 2));
    const order = f.referral();
    const referral = f.referral({
      referralId: `referral-${options.seed}-${index}`,
      patient: { ...order.patient, mrn: `mrn-${options.label}-${index}` },
      referralDate: addDays(start, -3),
      payer: { payerId },
    });
    const steps: EpisodeScript['steps'] = (therapistId) => {
      const therapist = (command: CareEpisodeCommand) => ({ path: '', as: 'therapist' as const, body: bodyOf(command) });
      const list: Array<{ path: string; as: 'therapist' | 'lead'; body: object }> = [
        { ...therapist(f.recordIntake({}, at)), path: 'intake' },
        {
          ...therapist(
            f.recordAssessment({ assessedOn: start, measures: [{ measure: 'NPRS', value: baseline }], evaluationCode: '97161' }, at),
          ),
          path: 'assessment',
        },
        {
          path: 'plan-of-care',
          as: 'therapist',
          body: {
            plan: f.plan({
              goals: [
                {
                  goalId: 'goal-pain',
                  description: 'pain at most 2',
                  measure: 'NPRS',
                  baseline,
                  target: 2,
                  targetDate: addDays(start, 60),
                },
              ],
              techniques: ['myofascial-release'],
              frequencyPerWeek: 4,
              durationWeeks: 8,
            }),
          },
        },
        { path: 'certification', as: 'lead', body: bodyOf(f.certify({ certifiedOn: start })) },
      ];
      for (let n = 1; n <= sessions; n += 1) {
        const date = addDays(start, 2 * n - 1);
        const sessionId = `s-${n}`;
        list.push({
          ...therapist(
            f.recordSession(sessionId, date, {
              therapist: { therapistId, licenseExpiresOn: licenceExpiry },
              lines: [{ code: '97140', minutes, bodyRegions: ['lower-back'] }],
            }),
          ),
          path: 'sessions',
        });
        list.push({ ...therapist(f.signNote(sessionId, at)), path: 'note-signatures' });
        // The evaluation day is treatment day 1, so the report falls due with the ninth session.
        if (n === 9) {
          list.push({
            ...therapist(f.progressReport(`pr-${n}`, date, [{ measure: 'NPRS', value: Math.max(atDischarge, baseline - 2) }])),
            path: 'progress-reports',
          });
        }
      }
      list.push({
        ...therapist(
          f.discharge(addDays(start, 2 * sessions), {
            measures: [{ measure: 'NPRS', value: atDischarge }],
            // The goal is pain at most 2: met, or the most this patient will gain.
            reason: atDischarge <= 2 ? 'goals-met' : 'maximum-medical-improvement',
            narrative: atDischarge <= 2 ? 'goal met' : 'plateaued',
          }),
        ),
        path: 'discharge',
      });
      return list;
    };
    return { index, referral, steps };
  });
};

export interface DriverClient {
  /** Where the API listens (the same address across restarts). */
  readonly apiUrl: string;
  readonly jwtSecret: string;
}

type Answer = { status: number; body: Record<string, unknown> | undefined };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Counters a run reports: what was sent, what had to be sent again. */
export interface DriverStats {
  commands: number;
  referrals: number;
  retries: number;
  /** Each command's time from first send to its answer, retries included. */
  readonly latenciesMs: number[];
}

const token = (client: DriverClient, userId: string, role: string, departmentId: string): Promise<string> =>
  mintLocalToken({
    secret: client.jwtSecret,
    issuer: localTokenDefaults.issuer,
    audience: localTokenDefaults.audience,
    principal: { userId, role: role as never, departments: departmentId === '' ? [] : [departmentId] },
    lifetimeSeconds: 3_600,
  });

/**
 * One request as a real client sends it: a connection error or a 5xx is sent again (same body, same
 * Idempotency-Key) until `deadline`; any other answer is returned.
 */
const send = async (
  client: DriverClient,
  stats: DriverStats,
  method: string,
  path: string,
  bearer: string,
  body?: object,
  idempotencyKey?: string,
  deadlineMs = 240_000,
): Promise<Answer> => {
  const deadline = Date.now() + deadlineMs;
  for (let attempt = 0; ; attempt += 1) {
    if (attempt > 0) stats.retries += 1;
    try {
      const response = await fetch(`${client.apiUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${bearer}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await response.text();
      if (response.status < 500)
        return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) };
      if (Date.now() > deadline) return { status: response.status, body: undefined };
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await pause(Math.min(2_000, 200 * 2 ** Math.min(attempt, 4)));
  }
};

/** Stores the payers and the therapists of the department through the admin routes. */
export const seedDepartment = async (client: DriverClient, department: DriverDepartment): Promise<void> => {
  const stats: DriverStats = { commands: 0, referrals: 0, retries: 0, latenciesMs: [] };
  const admin = await token(client, 'u-admin', 'admin', '');
  const expectOk = (what: string, answer: Answer) => {
    if (answer.status !== 200 && answer.status !== 201) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
  };
  const [medicareLike, commercial] = department.payerIds;
  expectOk('medicare-like payer', await send(client, stats, 'PUT', `/payers/${medicareLike}/settings`, admin, medicareLikePayerSettings));
  expectOk('commercial payer', await send(client, stats, 'PUT', `/payers/${commercial}/settings`, admin, commercialPayerSettings));
  for (const therapistId of department.therapistIds) {
    expectOk(
      'therapist',
      await send(client, stats, 'PUT', `/therapists/${therapistId}`, admin, {
        departmentId: department.departmentId,
        active: true,
        providerType: 'physical-therapist',
        profile: {
          licenses: [{ state: 'MD', number: `L-${therapistId}`, expiresOn: licenceExpiry }],
          boardCertifications: ['NCBTMB'],
          specialtyCertificates: [],
          availability: 1,
          caseloadLimit: 2_000,
        },
      }),
    );
  }
};

export interface DrivenEpisode {
  readonly index: number;
  readonly referralId: string;
  readonly episodeId: string;
  readonly therapistId: string;
}

/**
 * Drives every script to discharge, `concurrency` episodes at a time, episode `i` starting no earlier
 * than `i × startEveryMs` after the start (so traffic flows for a while rather than in one burst).
 */
export const driveDepartment = async (
  client: DriverClient,
  department: DriverDepartment,
  scripts: readonly EpisodeScript[],
  options: { readonly concurrency: number; readonly startEveryMs?: number; readonly label: string; readonly stats?: DriverStats },
): Promise<DrivenEpisode[]> => {
  const stats = options.stats ?? { commands: 0, referrals: 0, retries: 0, latenciesMs: [] };
  const lead = await token(client, `lead-${department.departmentId}`, 'department-lead', department.departmentId);
  const therapistTokens = new Map<string, string>();
  for (const therapistId of department.therapistIds) {
    therapistTokens.set(therapistId, await token(client, `user-${therapistId}`, 'therapist', department.departmentId));
  }
  const started = Date.now();
  const driven: DrivenEpisode[] = [];
  let next = 0;
  const drive = async (script: EpisodeScript): Promise<DrivenEpisode> => {
    const key = (step: string) => `${options.label}.${script.index}.${step}`;
    const referred = await send(
      client,
      stats,
      'POST',
      '/referrals',
      lead,
      { departmentId: department.departmentId, referral: script.referral },
      key('referral'),
    );
    if (referred.status !== 201 && referred.status !== 200)
      throw new Error(`referral ${script.index}: ${referred.status} ${JSON.stringify(referred.body)}`);
    stats.referrals += 1;
    const episodeId = String(referred.body?.['episodeId']);
    const therapistId = await offeredTherapist(client, stats, lead, episodeId);
    const therapistToken = therapistTokens.get(therapistId);
    if (therapistToken === undefined) throw new Error(`episode ${script.index}: offered to a therapist outside the department`);
    const commands = [{ path: 'accept-offer', as: 'therapist' as const, body: { therapistId } }, ...script.steps(therapistId)];
    for (const [index, step] of commands.entries()) {
      const sent = performance.now();
      const answer = await send(
        client,
        stats,
        'POST',
        `/episodes/${episodeId}/${step.path}`,
        step.as === 'lead' ? lead : therapistToken,
        step.body,
        key(String(index)),
      );
      if (answer.status !== 200) {
        throw new Error(`episode ${script.index} step ${index} (${step.path}): ${answer.status} ${JSON.stringify(answer.body)}`);
      }
      stats.commands += 1;
      stats.latenciesMs.push(performance.now() - sent);
    }
    return { index: script.index, referralId: script.referral.referralId, episodeId, therapistId };
  };
  const lane = async (): Promise<void> => {
    for (;;) {
      const script = scripts[next];
      if (script === undefined) return;
      next += 1;
      const due = started + script.index * (options.startEveryMs ?? 0) - Date.now();
      if (due > 0) await pause(due);
      driven.push(await drive(script));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, lane));
  return driven.sort((a, b) => a.index - b.index);
};

/** Routing runs in the workflow after the referral: the pending offer's therapist, once there is one. */
const offeredTherapist = async (client: DriverClient, stats: DriverStats, lead: string, episodeId: string): Promise<string> => {
  const deadline = Date.now() + 240_000;
  for (;;) {
    const answer = await send(client, stats, 'GET', `/episodes/${episodeId}`, lead);
    const state = answer.body?.['state'] as { routing?: { offers: Array<{ therapistId: string; outcome: string }> } } | undefined;
    const offer = state?.routing?.offers.find((candidate) => candidate.outcome === 'pending');
    if (offer !== undefined) return offer.therapistId;
    if (Date.now() > deadline) throw new Error(`episode ${episodeId}: no offer within 240 s (last answer ${answer.status})`);
    await pause(200);
  }
};
