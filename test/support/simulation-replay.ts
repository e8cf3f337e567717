/**
 * Runs simulated episodes through the real care-episode workflow on the time-skipping server
 * (docs/simulation.md, "Equivalence"): every command the simulated clinic sent from outside is
 * sent at its simulated instant, as a start or an Update; what the episode's own process did
 * (routing, deadlines) is left to the workflow. The therapist directory answers each episode with
 * the roster the simulator routed it with, so routing sees the same caseloads.
 */
import { Worker } from '@temporalio/worker';
import { type WorkflowHandle } from '@temporalio/client';
import { type CareEpisodeCommand, type CareEpisodeEvent, addDays, localDateOf } from '@careflow/domain';
import { submitCommandUpdate } from '@careflow/contracts';
import { createDataConverter, startCareEpisode } from '@careflow/temporal';
import { createActivities } from '@careflow/worker/src/activities';
import { pollUntil } from '@careflow/event-store/testing';
import { type SimulatedEpisode, type SimulationRun, complianceFindings, currentStaffing, simulate } from '@careflow/simulation';
import { type EpisodeHarness, refusalCode } from './episode-harness';
import { uniqueSuffix } from './env';
import { historyFixtureKeyring, historyFixtureNamespace } from './histories';

/** One event as compared: its type and every clinical date (YYYY-MM-DD) in it, in key order; never instants or ids. */
export type EventProjection = string;

const isoDateShape = /^\d{4}-\d{2}-\d{2}$/;

const clinicalDates = (value: unknown): string[] => {
  if (typeof value === 'string') return isoDateShape.test(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(clinicalDates);
  if (value !== null && typeof value === 'object') {
    return Object.keys(value)
      .sort()
      .flatMap((key) => clinicalDates((value as Record<string, unknown>)[key]));
  }
  return [];
};

export const projectEvent = (type: string, data: unknown): EventProjection => `${type} ${clinicalDates(data).join(' ')}`.trim();

export const projectSimulated = (episode: SimulatedEpisode): EventProjection[] =>
  episode.events.map((event: CareEpisodeEvent) => projectEvent(event.type, event));

/** A simulation that starts on the server's next department day, so every simulated instant is still ahead of its clock. */
export const simulateFromServerTime = async (
  harness: EpisodeHarness,
  options: { readonly seed: number; readonly episodes: number },
): Promise<SimulationRun> => {
  const nowMs = await harness.env.currentTimeMs();
  const today = localDateOf(new Date(nowMs).toISOString(), 'America/New_York');
  return simulate({ ...options, plan: currentStaffing, startDate: addDays(today, 1), idPrefix: `eq-${uniqueSuffix()}` });
};

const features: readonly ((episode: SimulatedEpisode) => boolean)[] = [
  (episode) => episode.events.some((event) => event.type === 'OfferExpired'),
  (episode) => episode.events.some((event) => event.type === 'RoutingEscalated'),
  (episode) => episode.events.some((event) => event.type === 'CertificationDelinquent'),
  (episode) => episode.trace.some((entry) => 'refused' in entry.outcome && entry.outcome.refused === 'PROGRESS_REPORT_OVERDUE'),
  (episode) => episode.events.some((event) => event.type === 'PlateauDetected'),
  (episode) => episode.events.some((event) => event.type === 'NoteSignatureOverdue'),
  (episode) => episode.events.some((event) => event.type === 'CertifiedPeriodEnded'),
  (episode) => episode.events.some((event) => event.type === 'OfferDeclined'),
  (episode) => episode.events.some((event) => event.type === 'NoShowRecorded'),
];

/**
 * A sample of closed episodes: the first two with each feature the equivalence must cover (offers
 * expiring, escalation, a delinquent certification, the progress-report gate, a plateau …), then the
 * first others, up to `size`. Kept short in commands so the server run stays within minutes.
 */
export const sampleEpisodes = (run: SimulationRun, size: number): SimulatedEpisode[] => {
  const closed = run.episodes.filter((episode) => episode.state.status === 'finished' || episode.state.status === 'cancelled');
  const chosen = new Set<SimulatedEpisode>();
  for (const feature of features)
    closed
      .filter(feature)
      .slice(0, 2)
      .forEach((episode) => chosen.add(episode));
  for (const episode of closed) {
    if (chosen.size >= size) break;
    chosen.add(episode);
  }
  return [...chosen];
};

export const coveredFeatures = (sample: readonly SimulatedEpisode[]): string[] =>
  [...new Set(sample.flatMap((episode) => episode.events.map((event) => event.type)))].filter((type) =>
    ['OfferExpired', 'RoutingEscalated', ...complianceFindings].includes(type),
  );

export interface ServerRun {
  /** Per simulated episode id, the events the workflow appended, projected. */
  readonly events: ReadonlyMap<string, EventProjection[]>;
  /** Commands whose outcome (accepted or the refusal's code) differed from the simulator's. */
  readonly outcomeMismatches: string[];
  readonly commands: number;
  readonly wallMs: number;
}

/** Sends the sample's outside commands to the real workflow in simulated-time order. */
export const runOnServer = async (harness: EpisodeHarness, run: SimulationRun, sample: readonly SimulatedEpisode[]): Promise<ServerRun> => {
  const started = performance.now();
  const rosters = new Map<string, CareEpisodeCommand & { type: 'RouteReferral' }>();
  const serverIds = new Map<string, string>();
  const taskQueue = `simulation-${uniqueSuffix()}`;
  const worker = await Worker.create({
    taskQueue,
    workflowsPath: require.resolve('@careflow/workflows'),
    connection: harness.env.nativeConnection,
    dataConverter: createDataConverter(historyFixtureKeyring, historyFixtureNamespace),
    activities: createActivities({
      eventStore: harness.eventStore,
      therapistDirectory: {
        findRoutingCandidates: async (_departmentId, episodeId) => {
          const route = rosters.get(episodeId);
          if (route === undefined) throw new Error('The simulation never routed this episode.');
          return { therapists: route.therapists, previousTherapistIds: route.previousTherapistIds };
        },
      },
    }),
  });
  const running = worker.run();
  try {
    const timeline = sample
      .flatMap((episode, order) =>
        episode.trace.map((entry, index) => ({ episode, order, index, entry })).filter(({ entry }) => entry.by === 'outside'),
      )
      .sort((a, b) => a.entry.atMs - b.entry.atMs || a.order - b.order || a.index - b.index);
    const handles = new Map<string, WorkflowHandle>();
    const outcomeMismatches: string[] = [];
    for (const { episode, entry } of timeline) {
      const ahead = entry.atMs - (await harness.env.currentTimeMs());
      if (ahead > 0) await harness.env.sleep(ahead);
      const { command } = entry;
      if (command.type === 'ReceiveReferral') {
        const route = episode.trace.find((step) => step.command.type === 'RouteReferral')?.command;
        const { episodeId, handle } = await startCareEpisode(harness.env.client, {
          taskQueue,
          departmentId: 'department-under-test',
          settings: run.settings,
          referral: command,
        });
        if (route?.type === 'RouteReferral') rosters.set(episodeId, route);
        serverIds.set(episode.episodeId, episodeId);
        handles.set(episode.episodeId, handle);
        continue;
      }
      const handle = handles.get(episode.episodeId);
      if (handle === undefined) throw new Error('A simulated command came before its referral.');
      const refused = await refusalCode(handle.executeUpdate(submitCommandUpdate, { args: [command] }));
      const expected = 'refused' in entry.outcome ? entry.outcome.refused : undefined;
      if (refused !== expected)
        outcomeMismatches.push(`${episode.episodeId} ${command.type}: ${refused ?? 'accepted'}, simulated ${expected ?? 'accepted'}`);
    }
    // Deadlines after the last command (none for a closed episode, but a divergence could leave some) get a day to fire.
    await harness.env.sleep(86_400_000);
    const events = new Map<string, EventProjection[]>();
    for (const episode of sample) {
      const serverId = serverIds.get(episode.episodeId);
      if (serverId === undefined) continue;
      const expected = projectSimulated(episode).length;
      const stream = await pollUntil(
        () => harness.eventStore.readStream(serverId),
        (recorded) => recorded.length >= expected,
        { what: 'the workflow appended as many events as the simulator', timeoutMs: 15_000 },
      ).catch(() => harness.eventStore.readStream(serverId));
      events.set(
        episode.episodeId,
        stream.map((event) => projectEvent(event.type, event.data)),
      );
    }
    return { events, outcomeMismatches, commands: timeline.length, wallMs: performance.now() - started };
  } finally {
    worker.shutdown();
    await running;
  }
};
