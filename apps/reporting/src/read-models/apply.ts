import type { TransactionSql } from 'postgres';
import { defaultDepartmentSettings, departmentSettingsProblem, type DepartmentSettings } from '@careflow/domain';
import { episodeSummaries } from './episode-summary';
import { episodeOperations } from './operations';
import { episodeOutcomes } from './outcomes';
import { departmentOf, type EpisodeEvent, type EpisodeReadModel, type EpisodeRow, type FoldContext } from './read-model';
import { episodeWorklists } from './worklists';

/** Every reporting read model; each event goes through all of them, in this order. */
export const readModels: readonly EpisodeReadModel[] = [episodeSummaries, episodeWorklists, episodeOutcomes, episodeOperations];

/**
 * The lock that keeps the live consumer out while a rebuild refolds (docs/reporting.md, "Rebuild"):
 * live transactions take it shared, the rebuild exclusively.
 */
export const readModelsLock = 'careflow.reporting.read-models';

const identifierPattern = /^[a-z_][a-z0-9_]{0,62}$/;

const identifier = (name: string): string => {
  if (!identifierPattern.test(name)) throw new Error(`read-model identifier "${name}" must be a lower-case identifier`);
  return name;
};

/** Statements of one read model. Identifiers cannot be bound, so they are checked against a strict pattern and spliced in once. */
const statementsFor = (model: EpisodeReadModel) => {
  const table = identifier(model.table);
  const list = model.columns.map(identifier).join(', ');
  const episodes = `episode_id IN (SELECT jsonb_array_elements_text($1::text::jsonb))`;
  return {
    load: `SELECT to_jsonb(t) AS row FROM ${table} t WHERE ${episodes}`,
    remove: `DELETE FROM ${table} WHERE ${episodes}`,
    insert: `INSERT INTO ${table} (${list}) SELECT ${list} FROM jsonb_populate_recordset(NULL::${table}, $1::text::jsonb)`,
  };
};

const statements = new Map(readModels.map((model) => [model, statementsFor(model)]));

const statementsOf = (model: EpisodeReadModel) => {
  const found = statements.get(model);
  if (found === undefined) throw new Error(`read model ${model.table} is not one of the reporting read models`);
  return found;
};

/**
 * The departments' settings the folds need (MCID), from the departments table; a department without
 * a row, or with settings the domain would refuse, folds with the domain's defaults.
 */
export const loadFoldContext = async (sql: TransactionSql, events: readonly EpisodeEvent[]): Promise<FoldContext> => {
  const departmentIds = [...new Set(events.map(departmentOf).filter((id) => id !== null))];
  const settings = new Map<string, DepartmentSettings>();
  if (departmentIds.length > 0) {
    // The departments table comes with the API's migration; before it exists every department has the defaults.
    const [table] = await sql<{ present: boolean }[]>`SELECT to_regclass('departments') IS NOT NULL AS present`;
    if (table?.present === true) {
      const rows = await sql<{ department_id: string; settings: unknown }[]>`
        SELECT department_id, settings FROM departments
        WHERE department_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(departmentIds)}::text::jsonb))`;
      for (const row of rows) {
        if (departmentSettingsProblem(row.settings) === undefined) settings.set(row.department_id, row.settings as DepartmentSettings);
      }
    }
  }
  return { settingsOf: (departmentId) => (departmentId === null ? undefined : settings.get(departmentId)) ?? defaultDepartmentSettings };
};

/**
 * Folds events, in order, into every read model and writes the rows they changed, all in the caller's
 * transaction: the one handler of the live consumer (one event) and the rebuild (a batch).
 */
export const applyEpisodeEvents = async (tx: TransactionSql, events: readonly EpisodeEvent[]): Promise<void> => {
  if (events.length === 0) return;
  const episodeIds = JSON.stringify([...new Set(events.map((event) => event.data.episodeId))]);
  const context = await loadFoldContext(tx, events);

  const loaded = await Promise.all(
    readModels.map(async (model) => {
      const rows = await tx.unsafe<{ row: EpisodeRow }[]>(statementsOf(model).load, [episodeIds], { prepare: true });
      const byEpisode = new Map<string, readonly EpisodeRow[]>();
      for (const { row } of rows) byEpisode.set(row.episode_id, [...(byEpisode.get(row.episode_id) ?? []), row]);
      return { model, byEpisode, touched: new Set<string>() };
    }),
  );

  for (const event of events) {
    const episodeId = event.data.episodeId;
    for (const state of loaded) {
      const before = state.byEpisode.get(episodeId) ?? [];
      const after = state.model.evolve(before, event, context);
      if (after === before) continue;
      state.byEpisode.set(episodeId, after);
      state.touched.add(episodeId);
    }
  }

  for (const { model, byEpisode, touched } of loaded) {
    if (touched.size === 0) continue;
    const { remove, insert } = statementsOf(model);
    const rows = [...touched].flatMap((episodeId) => byEpisode.get(episodeId) ?? []);
    await tx.unsafe(remove, [JSON.stringify([...touched])], { prepare: true });
    if (rows.length > 0) await tx.unsafe(insert, [JSON.stringify(rows)], { prepare: true });
  }
};

/**
 * The live consumer's `apply`: waits while a rebuild runs, then folds the event unless a rebuild has
 * already folded it from the store (reporting_folded_events).
 */
export const applyConsumedEvent = async (tx: TransactionSql, event: EpisodeEvent): Promise<void> => {
  await tx`SELECT pg_advisory_xact_lock_shared(hashtextextended(${readModelsLock}, 0))`;
  const fresh = await tx`
    INSERT INTO reporting_folded_events (event_id) VALUES (${event.eventId}::uuid) ON CONFLICT DO NOTHING RETURNING event_id`;
  if (fresh.length === 0) return;
  await applyEpisodeEvents(tx, [event]);
};
