/**
 * What a driven department left in the database, in a form two runs of the same seed can be compared
 * in: generated ids (episode ids, patient keys and MRNs, the department's own id), wall-clock instants and
 * sequence numbers replaced, rows sorted (docs/chaos.md).
 */
import type { Sql } from 'postgres';
import type { DrivenEpisode } from './department-driver';

/** Columns that hold a position, a hash, a delivery attempt or a request's own id: never equal between runs. */
const runSpecificColumns = new Set([
  'sequence',
  'global_position',
  'position',
  'tx_id',
  'hash',
  'previous_hash',
  'request_id',
  'client_address',
  'key_id',
  'notice_id',
  'attempts',
  'state',
  'last_error',
  'last_status_code',
  'next_attempt_at',
  'event_id',
]);

const instant = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)/g;
const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
/**
 * A routing decision weighs the therapist's open episodes at that instant, which depends on how many
 * episodes of the run were open then (the driver runs several at once), not on the seed: like an instant.
 */
const routingLoad = [
  [/"score":[\d.]+/g, '"score":"<load-dependent>"'],
  [/with score [\d.]+/g, 'with score <load-dependent>'],
  [/load \+[\d.]+: \d+ of/g, 'load <load-dependent> of'],
] as const;

const tablesByEpisode = [
  'episode_summaries',
  'episode_worklists',
  'episode_operations',
  'episode_outcomes',
  'billing_episodes',
  'billing_visits',
  'billing_charges',
  'billing_claims',
  'referrer_notices',
] as const;
const tablesByDepartment = [
  'department_operations',
  'department_discharge_reasons',
  'outcomes_by_department',
  'outcomes_by_therapist',
  'therapist_caseloads',
] as const;

export type DepartmentRows = Record<string, string[]>;

/** `label`: the run's label in the driver's MRNs (patients differ between runs, episodes correspond). */
export const departmentRows = async (
  sql: Sql,
  departmentId: string,
  label: string,
  episodes: readonly DrivenEpisode[],
): Promise<DepartmentRows> => {
  const ids = episodes.map((episode) => episode.episodeId);
  const keys = await sql<{ episodeId: string; patientKey: string }[]>`
    SELECT episode_id AS "episodeId", patient_key AS "patientKey" FROM episodes WHERE episode_id = ANY(${ids})`;
  const replacements = new Map<string, string>([
    [departmentId, 'D'],
    [`mrn-${label}-`, 'mrn-'],
  ]);
  for (const episode of episodes) replacements.set(episode.episodeId, `E${episode.index}`);
  for (const { episodeId, patientKey } of keys) replacements.set(patientKey, `P${replacements.get(episodeId) ?? '?'}`);
  const pattern = new RegExp([...replacements.keys()].map((key) => key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  const normalize = (row: Record<string, unknown>): string => {
    const kept = Object.fromEntries(
      Object.entries(row)
        .filter(([column]) => !runSpecificColumns.has(column))
        .sort(([a], [b]) => a.localeCompare(b)),
    );
    return routingLoad.reduce(
      (text, [load, replacement]) => text.replace(load, replacement),
      JSON.stringify(kept)
        .replace(pattern, (found) => replacements.get(found) ?? found)
        .replace(instant, '<instant>')
        .replace(uuid, '<uuid>'),
    );
  };
  const rows = async (query: Promise<{ row: Record<string, unknown> }[]>) => (await query).map(({ row }) => normalize(row)).sort();
  const result: DepartmentRows = {};
  for (const table of tablesByEpisode) {
    result[table] = await rows(sql<{ row: Record<string, unknown> }[]>`
      SELECT to_jsonb(t) AS row FROM ${sql(table)} t WHERE t.episode_id = ANY(${ids})`);
  }
  for (const table of tablesByDepartment) {
    result[table] = await rows(sql<{ row: Record<string, unknown> }[]>`
      SELECT to_jsonb(t) AS row FROM ${sql(table)} t WHERE t.department_id = ${departmentId}`);
  }
  result['billing_year_to_date'] = await rows(sql<{ row: Record<string, unknown> }[]>`
    SELECT to_jsonb(t) AS row FROM billing_year_to_date t WHERE t.patient_key = ANY(${keys.map((key) => key.patientKey)})`);
  result['events'] = await rows(sql<{ row: Record<string, unknown> }[]>`
    SELECT jsonb_build_object('stream', stream_id, 'version', stream_version, 'type', type, 'data', data) AS row
    FROM events WHERE stream_id = ANY(${ids})`);
  // The audit trail: each distinct successful access. A client's retry is audited again (that is right),
  // so counts differ under faults; what was done to which record, by whom, must not.
  result['audit_records'] = [
    ...new Set(
      await rows(sql<{ row: Record<string, unknown> }[]>`
        SELECT to_jsonb(a) AS row FROM (
          SELECT DISTINCT user_id, user_role, action, operation, resource_type, resource_id, patient_key, department_id, purpose_of_use, outcome
          FROM audit_records WHERE department_id = ${departmentId} AND outcome = 'success') a`),
    ),
  ];
  return result;
};

export interface DeliveryCounts {
  readonly events: number;
  /**
   * Per consumer: events of these episodes it processed (processed_events holds one row per event id;
   * consumer_stream_marks, for consumers by stream version, the highest version per episode).
   */
  readonly processed: Record<string, number>;
  /** Outbox rows of these episodes not yet on Kafka. */
  readonly waiting: number;
}

export const deliveryCounts = async (sql: Sql, episodes: readonly DrivenEpisode[]): Promise<DeliveryCounts> => {
  const ids = episodes.map((episode) => episode.episodeId);
  const [events] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM events WHERE stream_id = ANY(${ids})`;
  const processed = await sql<{ consumer: string; n: number }[]>`
    SELECT consumer, sum(n)::int AS n FROM (
      SELECT p.consumer, count(*) AS n FROM processed_events p JOIN events e ON e.event_id = p.event_id
      WHERE e.stream_id = ANY(${ids}) GROUP BY p.consumer
      UNION ALL
      SELECT m.consumer, count(*) AS n FROM consumer_stream_marks m
      JOIN events e ON e.stream_id = m.stream_id AND e.stream_version <= m.stream_version
      WHERE m.stream_id = ANY(${ids}) GROUP BY m.consumer) AS records
    GROUP BY consumer ORDER BY consumer`;
  const [waiting] = await sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM outbox o JOIN events e ON e.global_position = o.global_position WHERE e.stream_id = ANY(${ids})`;
  return {
    events: events?.n ?? 0,
    processed: Object.fromEntries(processed.map((row) => [row.consumer, row.n])),
    waiting: waiting?.n ?? 0,
  };
};

export const consumersOfEpisodeEvents = ['billing', 'notices', 'reporting'] as const;

/** Every event of these episodes off the outbox and processed by every consumer. */
export const caughtUp = (counts: DeliveryCounts): boolean =>
  counts.events > 0 && counts.waiting === 0 && consumersOfEpisodeEvents.every((consumer) => counts.processed[consumer] === counts.events);
