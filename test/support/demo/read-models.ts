/**
 * What the read models show of a demo run, read through the API's read routes only, once billing and
 * reporting have caught up with what the run did (their visibility is eventual, so this polls).
 */
import { type ApiAnswer, type DemoApi, expectOk, pollFor } from './api-client';
import type { DemoEpisode, DemoRun } from './driver';

export const worklistKinds = [
  'progress-reports-due',
  'certifications-due',
  'authorizations-low',
  're-evaluations-due',
  'unsigned-notes',
  'plateau-decisions-pending',
  'sessions-past-certified-period',
  'sessions-beyond-authorization',
  'review-thresholds-crossed',
] as const;

export interface ChargeRow {
  readonly serviceDate: string;
  readonly payerId: string;
  readonly providerType: string | null;
  readonly certificationStanding: string;
  readonly held: boolean;
  readonly lines: readonly { code: string; minutes: number; units: number; modifiers: string[]; billable: boolean; amountCents: number }[];
}

export interface ClaimRow {
  readonly claimId: string;
  readonly episodeId: string;
  readonly payerId: string;
  readonly status: string;
  readonly totalChargeCents: number;
  readonly lines: readonly { code: string; units: number; modifiers: string[]; chargeCents: number }[];
}

export interface SummaryRow {
  readonly episodeId: string;
  readonly status: string;
  readonly therapistId: string | null;
  readonly certificationStatus: string;
  readonly visitsDelivered: number;
  readonly dischargedOn: string | null;
}

export interface DemoReadModels {
  readonly summaries: readonly SummaryRow[];
  readonly charges: ReadonlyMap<string, readonly ChargeRow[]>;
  readonly claims: readonly ClaimRow[];
  readonly compliance: {
    readonly operations: readonly Record<string, unknown>[];
    readonly dischargeReasons: readonly { dischargeReason: string; episodes?: number; count?: number }[];
    readonly findings: readonly { finding: string; count: number }[];
  };
  readonly outcomes: readonly Record<string, unknown>[];
  readonly worklists: ReadonlyMap<string, readonly Record<string, unknown>[]>;
  readonly therapists: readonly { therapistId: string; caseload: { activeEpisodes: number; limit?: number } }[];
}

/** The list in an answer: `items` of a page, `rows` of a report, `charges` of an episode, `therapists` of the directory. */
const itemsOf = <T>(answer: ApiAnswer): T[] =>
  (answer.body['items'] ?? answer.body['rows'] ?? answer.body['charges'] ?? answer.body['therapists'] ?? []) as T[];

const allPages = async <T>(api: DemoApi, read: (page: number) => Promise<ApiAnswer>, what: string): Promise<T[]> => {
  const items: T[] = [];
  for (let page = 1; ; page += 1) {
    const answer = await read(page);
    expectOk(answer, what);
    const found = itemsOf<T>(answer);
    items.push(...found);
    if (found.length < Number(answer.body['pageSize'] ?? 50)) return items;
  }
};

const distinct = (days: readonly string[]): number => new Set(days).size;

/** The run's episodes that a claim should exist for: discharged with at least one billable line. */
const claimable = (episode: DemoEpisode, charges: readonly ChargeRow[]): boolean =>
  episode.expectedStatus === 'finished' && charges.some((day) => !day.held && day.lines.some((line) => line.billable));

/** Reads every read model the run touched, polling until each has caught up with the run (or the deadline). */
export const readDemoModels = async (api: DemoApi, run: DemoRun, timeoutMs = 90_000): Promise<DemoReadModels> => {
  const { lead, billing } = run.callers;
  const ids = new Set(run.episodes.map((episode) => episode.episodeId));
  const read = async (): Promise<DemoReadModels & { lagging: string[] }> => {
    const summaries = (await allPages<SummaryRow>(api, (page) => api.call(lead, 'GET', `/episodes?page=${page}`), 'episode list')).filter(
      (row) => ids.has(row.episodeId),
    );
    const charges = new Map<string, ChargeRow[]>();
    for (const episode of run.episodes) {
      const answer = await api.call(lead, 'GET', `/episodes/${episode.episodeId}/charges`);
      charges.set(episode.episodeId, itemsOf<ChargeRow>(answer));
    }
    const claims = (
      await allPages<ClaimRow>(api, (page) => api.call(billing, 'GET', `/claims?status=current&page=${page}`), 'claims')
    ).filter((claim) => ids.has(claim.episodeId));
    const compliance = expectOk(
      await api.call(lead, 'GET', '/reports/compliance'),
      'compliance report',
    ) as unknown as DemoReadModels['compliance'];
    const outcomes = itemsOf<Record<string, unknown>>(await api.call(lead, 'GET', '/reports/outcomes?by=diagnosis-group'));
    const worklists = new Map<string, Record<string, unknown>[]>();
    for (const kind of worklistKinds) {
      const rows = await allPages<Record<string, unknown>>(api, (page) => api.call(lead, 'GET', `/worklists/${kind}?page=${page}`), kind);
      worklists.set(
        kind,
        rows.filter((row) => ids.has(String(row['episodeId']))),
      );
    }
    const therapists = itemsOf<DemoReadModels['therapists'][number]>(await api.call(lead, 'GET', '/therapists'));
    const lagging = run.episodes.flatMap((episode) => {
      const summary = summaries.find((row) => row.episodeId === episode.episodeId);
      const days = charges.get(episode.episodeId) ?? [];
      return [
        ...(summary?.status === episode.expectedStatus ? [] : [`${episode.kase}: summary ${summary?.status ?? 'missing'}`]),
        ...(days.length === distinct(episode.serviceDays)
          ? []
          : [`${episode.kase}: ${days.length} of ${distinct(episode.serviceDays)} charge days`]),
        ...(!claimable(episode, days) || claims.some((claim) => claim.episodeId === episode.episodeId)
          ? []
          : [`${episode.kase}: no claim`]),
      ];
    });
    return { summaries, charges, claims, compliance, outcomes, worklists, therapists, lagging };
  };
  let last: string[] = [];
  const { lagging: _lagging, ...models } = await pollFor(
    async () => {
      const models = await read();
      last = models.lagging;
      return models;
    },
    (models) => models.lagging.length === 0,
    'billing and reporting catching up with the demo',
    timeoutMs,
    1_000,
  ).catch((error: unknown) => {
    throw new Error(`${error instanceof Error ? error.message : String(error)} (still behind: ${last.join('; ')})`);
  });
  return models;
};
