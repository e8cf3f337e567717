import { dateOf, defaultDepartmentSettings, type DepartmentSettings } from '@careflow/domain';
import type { PublishedIntegrationEvent } from '@careflow/contracts';

/** An integration event as reporting folds it: from Kafka (the consumer) or from the store (a rebuild). */
export type EpisodeEvent = PublishedIntegrationEvent & { readonly eventId: string };

/** The data of one event type, narrowed by a `switch` on `event.type`. */
export type EventData<T extends EpisodeEvent['type']> = Extract<EpisodeEvent, { type: T }>['data'];

/** What a fold may know besides its rows and the event: the department's settings (MCID). */
export interface FoldContext {
  settingsOf(departmentId: string | null): DepartmentSettings;
}

export const defaultFoldContext: FoldContext = { settingsOf: () => defaultDepartmentSettings };

/** A row of a reporting table: each belongs to one episode (`episode_id` first in its key). */
export type EpisodeRow = { readonly episode_id: string };

/** A read model as the handler runs it, whatever its row type. */
export interface EpisodeReadModel {
  readonly table: string;
  readonly columns: readonly string[];
  evolve(rows: readonly EpisodeRow[], event: EpisodeEvent, context: FoldContext): readonly EpisodeRow[];
}

/**
 * One read model: a table and a pure fold of an episode's rows. Rows are plain JSON objects whose
 * property names are the table's columns (dates as 'YYYY-MM-DD', instants as ISO text, jsonb columns
 * as JSON).
 */
export interface ReadModel<Row extends EpisodeRow> extends EpisodeReadModel {
  /** Every column the read model writes. */
  readonly columns: readonly (string & keyof Row)[];
  /**
   * Folds one event into the episode's rows (empty: none yet). Returns the same array when the
   * event changes nothing, so nothing is written. Pure.
   */
  evolve(rows: readonly Row[], event: EpisodeEvent, context: FoldContext): readonly Row[];
}

/** A read model of one row per episode, from a fold of that row (null: none yet, or none any more). */
export const oneRowPerEpisode =
  <Row extends EpisodeRow>(evolve: (row: Row | null, event: EpisodeEvent, context: FoldContext) => Row | null) =>
  (rows: readonly Row[], event: EpisodeEvent, context: FoldContext): readonly Row[] => {
    const row = rows[0] ?? null;
    const next = evolve(row, event, context);
    if (next === row) return rows;
    return next === null ? [] : [next];
  };

/** The calendar date (UTC) of when the fact happened. */
export const occurredOn = (event: EpisodeEvent): string => dateOf(event.data.occurredAt);

/** The episode's department, from the integration event's envelope (events recorded before it was kept have none). */
export const departmentOf = (event: EpisodeEvent): string | null => event.data.departmentId ?? null;

/** The later of two dates ('YYYY-MM-DD' sorts as text), either possibly absent. */
export const laterDate = (a: string | null, b: string | null): string | null => (a === null ? b : b === null || a >= b ? a : b);

/** The earlier of two dates, either possibly absent. */
export const earlierDate = (a: string | null, b: string | null): string | null => (a === null ? b : b === null || a <= b ? a : b);
