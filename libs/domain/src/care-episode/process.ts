/**
 * The care-episode process between commands (docs/simulation.md): when a referral is routed, which
 * deadline the episode waits for next, and what is sent when it passes. Pure: the caller brings the
 * clock and the therapist directory. The workflow (workflows/src) runs it with Temporal's timers and
 * activities; the simulator (libs/simulation) runs the same functions on a virtual clock, so both
 * send the domain the same commands at the same instants.
 */
import type { IsoInstant } from '../calendar';
import type { DepartmentSettings } from '../settings';
import type { MarkDeadlinePassed, RouteReferral } from './commands';
import { type DueDate, dueDates } from './due-dates';
import type { CareEpisodeState } from './state';

/** The episode's own process acts as the system: for timers and routing. */
export const processActor = { userId: 'careflow-system', role: 'system' } as const;

/**
 * Deadlines already sent to the domain as passed. A deadline the domain refused stays listed by
 * `dueDates`, so without this the process would send it again at once, forever.
 */
export type SettledDeadlines = ReadonlySet<string>;

export const noSettledDeadlines: SettledDeadlines = new Set<string>();

const deadlineKey = (due: DueDate): string => `${due.kind}|${due.sessionId ?? ''}|${due.dueAt}`;

export const settleDeadline = (settled: SettledDeadlines, due: DueDate): SettledDeadlines => new Set([...settled, deadlineKey(due)]);

/** A new referral is routed as soon as it is planned for and not yet routed. */
export const awaitsRouting = (state: CareEpisodeState): boolean => state.status === 'planned' && state.routing === undefined;

/** The department's therapist directory as read for one referral. */
export type RoutingCandidates = Pick<RouteReferral, 'therapists' | 'previousTherapistIds'>;

export const routeReferral = (at: IsoInstant, candidates: RoutingCandidates): RouteReferral => ({
  type: 'RouteReferral',
  at,
  actor: processActor,
  therapists: candidates.therapists,
  previousTherapistIds: candidates.previousTherapistIds,
});

/** The earliest open deadline not yet settled: the one the process waits for. */
export const nextDeadline = (state: CareEpisodeState, settings: DepartmentSettings, settled: SettledDeadlines): DueDate | undefined =>
  dueDates(state, settings)
    .filter((due) => !settled.has(deadlineKey(due)))
    .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt))[0];

/**
 * How long to wait from `nowMs` for a deadline: at least 1 ms, so a deadline already passed still
 * goes through a (minimal) timer and never fires inside the step that armed it.
 */
export const waitForDeadlineMs = (due: DueDate, nowMs: number): number => Math.max(1, Date.parse(due.dueAt) - nowMs);

/** What the process sends when the deadline it waited for passes without a change to the episode. */
export const deadlinePassed = (due: DueDate, at: IsoInstant): MarkDeadlinePassed => ({
  type: 'MarkDeadlinePassed',
  at,
  actor: processActor,
  deadline: due.kind,
  ...(due.sessionId === undefined ? {} : { sessionId: due.sessionId }),
});
