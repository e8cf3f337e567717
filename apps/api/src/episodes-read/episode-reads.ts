/**
 * An episode's state, past state and timeline (docs/api-reads.md#episode). The event store is the
 * record: a closed episode and any past moment are folded from its stream with the domain's `evolve`;
 * an open episode is asked of its workflow, which alone knows the department's settings and so the due
 * dates of its timers.
 */
import type { EpisodeSnapshot } from '@careflow/contracts';
import { fold, isClosed, type CareEpisodeEvent, type CareEpisodeState, type DueDate } from '@careflow/domain';
import type { EventStore } from '@careflow/event-store';
import { withoutNoteText } from './minimum-necessary';
import { timelineOf, type StoredEpisodeEvent, type TimelineEntry } from './timeline';

/** The running workflow's snapshot, or undefined when the episode has no running workflow. */
export type EpisodeSnapshotSource = (episodeId: string) => Promise<EpisodeSnapshot | undefined>;

export interface ReadView {
  readonly noteText: boolean;
}

export interface EpisodeView {
  readonly episodeId: string;
  /** Events of the stream the state is folded from. */
  readonly version: number;
  readonly status: CareEpisodeState['status'];
  /** Open deadlines; empty for a closed episode or a past moment (timers are the workflow's). */
  readonly dueDates: readonly DueDate[];
  /** `workflow`: the running episode's snapshot; `event-store`: folded from the stream. */
  readonly source: 'workflow' | 'event-store';
  /** Set when the state is as it was recorded at that instant. */
  readonly asOf?: string;
  readonly state: CareEpisodeState;
}

export interface EpisodeReadsOptions {
  readonly eventStore: Pick<EventStore, 'readStream'>;
  readonly snapshot: EpisodeSnapshotSource;
}

export const storedEvents = async (eventStore: Pick<EventStore, 'readStream'>, episodeId: string): Promise<StoredEpisodeEvent[]> =>
  (await eventStore.readStream(episodeId)).map((recorded) => ({
    streamVersion: recorded.streamVersion,
    recordedAt: recorded.metadata.recordedAt,
    event: recorded.data as unknown as CareEpisodeEvent,
  }));

const shown = (state: CareEpisodeState, view: ReadView): CareEpisodeState => (view.noteText ? state : withoutNoteText(state));

export const createEpisodeReads = (options: EpisodeReadsOptions) => {
  const folded = (episodeId: string, events: readonly StoredEpisodeEvent[], view: ReadView, asOf?: Date): EpisodeView => {
    const state = fold(events.map((stored) => stored.event));
    return {
      episodeId,
      version: events.length,
      status: state.status,
      dueDates: [],
      source: 'event-store',
      ...(asOf && { asOf: asOf.toISOString() }),
      state: shown(state, view),
    };
  };

  return {
    /** Undefined when the episode has no events (it does not exist). */
    current: async (episodeId: string, view: ReadView): Promise<EpisodeView | undefined> => {
      const events = await storedEvents(options.eventStore, episodeId);
      if (events.length === 0) return undefined;
      const closed = folded(episodeId, events, view);
      if (isClosed(closed.state)) return closed;
      const snapshot = await options.snapshot(episodeId);
      // A workflow not (or no longer) running leaves the record: the fold, without timers.
      if (snapshot === undefined) return closed;
      return {
        episodeId,
        version: snapshot.version,
        status: snapshot.state.status,
        dueDates: snapshot.dueDates,
        source: 'workflow',
        state: shown(snapshot.state, view),
      };
    },

    /** The state as the record stood at `instant`: the events recorded by then (recordedAt ≤ instant). */
    asOf: async (episodeId: string, instant: Date, view: ReadView): Promise<EpisodeView | undefined> => {
      const events = await storedEvents(options.eventStore, episodeId);
      if (events.length === 0) return undefined;
      const until = instant.getTime();
      return folded(
        episodeId,
        events.filter((stored) => Date.parse(stored.recordedAt) <= until),
        view,
        instant,
      );
    },

    timeline: async (episodeId: string, view: ReadView): Promise<TimelineEntry[] | undefined> => {
      const events = await storedEvents(options.eventStore, episodeId);
      return events.length === 0 ? undefined : timelineOf(events, view);
    },
  };
};

export type EpisodeReads = ReturnType<typeof createEpisodeReads>;
