import { improvement, isWithinMcid, mcidOf, type DepartmentSettings, type OutcomeMeasure } from '@careflow/domain';
import { columnList } from '@careflow/event-store';
import { departmentOf, type EpisodeEvent, type FoldContext, type ReadModel } from './read-model';

/** One row of episode_outcomes: one outcome measure of one episode, from baseline to discharge. */
export type EpisodeOutcomeRow = {
  readonly episode_id: string;
  readonly measure: OutcomeMeasure;
  readonly baseline: number | null;
  readonly baseline_on: string | null;
  readonly latest: number | null;
  readonly latest_on: string | null;
  readonly at_discharge: number | null;
  readonly discharged_on: string | null;
  readonly improvement: number | null;
  readonly mcid: number | null;
  readonly mcid_attained: boolean | null;
};

const newRow = (episodeId: string, measure: OutcomeMeasure): EpisodeOutcomeRow => ({
  episode_id: episodeId,
  measure,
  baseline: null,
  baseline_on: null,
  latest: null,
  latest_on: null,
  at_discharge: null,
  discharged_on: null,
  improvement: null,
  mcid: null,
  mcid_attained: null,
});

/**
 * A follow-up value against the baseline, judged by the domain's rules: the change must be an
 * improvement and at least the measure's MCID in the department (not within it).
 */
const followedUp = (row: EpisodeOutcomeRow, value: number, on: string, settings: DepartmentSettings): EpisodeOutcomeRow => {
  if (row.baseline === null) return { ...row, latest: value, latest_on: on };
  const change = improvement(row.measure, row.baseline, value);
  return {
    ...row,
    latest: value,
    latest_on: on,
    improvement: change,
    mcid: mcidOf(row.measure, settings),
    mcid_attained: change > 0 && !isWithinMcid(row.measure, row.baseline, value, settings),
  };
};

type Measured = { readonly measure: OutcomeMeasure };

/** Applies `update` to the row of each measure in `measured`, creating rows for measures first seen; rows kept in measure order. */
const withMeasures = <M extends Measured>(
  rows: readonly EpisodeOutcomeRow[],
  episodeId: string,
  measured: readonly M[],
  update: (row: EpisodeOutcomeRow, measurement: M) => EpisodeOutcomeRow,
): readonly EpisodeOutcomeRow[] => {
  if (measured.length === 0) return rows;
  const byMeasure = new Map(rows.map((row) => [row.measure, row]));
  for (const measurement of measured) {
    byMeasure.set(measurement.measure, update(byMeasure.get(measurement.measure) ?? newRow(episodeId, measurement.measure), measurement));
  }
  return [...byMeasure.values()].sort((a, b) => (a.measure < b.measure ? -1 : a.measure > b.measure ? 1 : 0));
};

export const evolveEpisodeOutcomes = (
  rows: readonly EpisodeOutcomeRow[],
  event: EpisodeEvent,
  context: FoldContext,
): readonly EpisodeOutcomeRow[] => {
  const episodeId = event.data.episodeId;
  switch (event.type) {
    case 'AssessmentRecorded':
      return withMeasures(rows, episodeId, event.data.measures, (row, { value }) => ({
        ...row,
        baseline: value,
        baseline_on: event.data.assessedOn,
      }));
    case 'ProgressReportRecorded':
      return withMeasures(rows, episodeId, event.data.measures, (row, { value }) =>
        followedUp(row, value, event.data.reportedOn, context.settingsOf(departmentOf(event))),
      );
    case 'ReevaluationRecorded':
      return withMeasures(rows, episodeId, event.data.measures, (row, { value }) =>
        followedUp(row, value, event.data.reevaluatedOn, context.settingsOf(departmentOf(event))),
      );
    case 'EpisodeDischarged':
      // The discharge summary is the domain's own judgement: its baseline, improvement and clinical importance are taken as they are.
      return withMeasures(rows, episodeId, event.data.measures, (row, outcome) => ({
        ...row,
        baseline: outcome.baseline,
        latest: outcome.atDischarge,
        latest_on: event.data.dischargedOn,
        at_discharge: outcome.atDischarge,
        discharged_on: event.data.dischargedOn,
        improvement: outcome.improvement,
        mcid: mcidOf(outcome.measure, context.settingsOf(departmentOf(event))),
        mcid_attained: outcome.clinicallyImportant,
      }));
    default:
      return rows;
  }
};

/** Outcome measures per episode: baseline, latest and discharge values and MCID attainment. */
export const episodeOutcomes: ReadModel<EpisodeOutcomeRow> = {
  table: 'episode_outcomes',
  columns: columnList<EpisodeOutcomeRow>()([
    'episode_id',
    'measure',
    'baseline',
    'baseline_on',
    'latest',
    'latest_on',
    'at_discharge',
    'discharged_on',
    'improvement',
    'mcid',
    'mcid_attained',
  ]),
  evolve: evolveEpisodeOutcomes,
};
