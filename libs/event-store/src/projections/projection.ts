import type { RecordedEvent } from '../types';

/**
 * A read model kept as one row per key in its own table, folded from events by a pure function.
 * Rows are plain JSON objects whose property names are the table's column names (dates as
 * 'YYYY-MM-DD', instants as ISO text, jsonb columns as JSON).
 */
export interface Projection<Row extends object> {
  /** Names the projection's checkpoint. */
  readonly name: string;
  readonly table: string;
  /** The table's primary key (text). */
  readonly keyColumn: string & keyof Row;
  /** Every column the projection writes. */
  readonly columns: readonly (string & keyof Row)[];
  /** The row an event changes, or null when it changes none. */
  keyOf(event: RecordedEvent): string | null;
  /** Folds one event into the row (null: no row yet; returning null deletes it). Pure. */
  evolve(row: Row | null, event: RecordedEvent): Row | null;
}

/**
 * A row type's column list, checked at compile time: leaving a column out fails with
 * "Property 'missing' is missing", naming the column.
 */
export const columnList =
  <Row extends object>() =>
  <const Columns extends readonly (string & keyof Row)[]>(
    columns: Columns & ([Exclude<keyof Row, Columns[number]>] extends [never] ? unknown : { missing: Exclude<keyof Row, Columns[number]> }),
  ): readonly (string & keyof Row)[] =>
    columns;
