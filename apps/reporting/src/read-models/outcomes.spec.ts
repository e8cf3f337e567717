import { defaultDepartmentSettings, type DepartmentSettings } from '@careflow/domain';
import * as f from '@careflow/domain/testing';
import { decidedEpisode } from '../testing/episode-events';
import { episodeOutcomes, evolveEpisodeOutcomes, type EpisodeOutcomeRow } from './outcomes';
import { defaultFoldContext, type EpisodeEvent, type FoldContext } from './read-model';

const fold = (events: readonly EpisodeEvent[], context: FoldContext = defaultFoldContext): readonly EpisodeOutcomeRow[] =>
  events.reduce<readonly EpisodeOutcomeRow[]>((rows, event) => evolveEpisodeOutcomes(rows, event, context), []);

const assessed = () => decidedEpisode('episode-1', [...f.certified(), ...f.dailySessions(3)]);
/** The fixtures' first progress report: NPRS 7 → 5 (2 points), ODI 40 → 32 (8 points). */
const reportedCommands = () => [...f.certified(), ...f.dailySessions(3), f.progressReport('r-1', '2025-03-12')];
const reported = () => decidedEpisode('episode-1', reportedCommands());
/** … discharged with NPRS 2 and ODI 18. */
const discharged = () =>
  decidedEpisode('episode-1', [
    ...reportedCommands(),
    ...['s-1', 's-2', 's-3'].map((sessionId) => f.signNote(sessionId, f.at('2025-03-12', '20:00'))),
    f.discharge('2025-03-20'),
  ]);

const row = (rows: readonly EpisodeOutcomeRow[], measure: string) => rows.find((candidate) => candidate.measure === measure);

describe('episode outcomes', () => {
  it('given an assessment, when folded, then each measure has its baseline and nothing to judge yet', () => {
    expect(fold(assessed())).toEqual([
      {
        episode_id: 'episode-1',
        measure: 'NPRS',
        baseline: 7,
        baseline_on: '2025-03-05',
        latest: null,
        latest_on: null,
        at_discharge: null,
        discharged_on: null,
        improvement: null,
        mcid: null,
        mcid_attained: null,
      },
      {
        episode_id: 'episode-1',
        measure: 'ODI',
        baseline: 40,
        baseline_on: '2025-03-05',
        latest: null,
        latest_on: null,
        at_discharge: null,
        discharged_on: null,
        improvement: null,
        mcid: null,
        mcid_attained: null,
      },
    ]);
  });

  it('given a progress report, when folded, then the latest value is judged against the MCID: NPRS 2 points attained, ODI 8 of 10 not', () => {
    const rows = fold(reported());
    expect(row(rows, 'NPRS')).toMatchObject({ latest: 5, latest_on: '2025-03-12', improvement: 2, mcid: 2, mcid_attained: true });
    expect(row(rows, 'ODI')).toMatchObject({ latest: 32, improvement: 8, mcid: 10, mcid_attained: false });
  });

  it('given a department whose ODI MCID is 5 points, when the report is folded, then 8 points attain it', () => {
    const settings: DepartmentSettings = { ...defaultDepartmentSettings, mcid: { ODI: 5, NDI: 7 } };
    const events = decidedEpisode('episode-1', reportedCommands(), 'dept-tuned');
    const rows = fold(events, { settingsOf: (departmentId) => (departmentId === 'dept-tuned' ? settings : defaultDepartmentSettings) });
    expect(row(rows, 'ODI')).toMatchObject({ improvement: 8, mcid: 5, mcid_attained: true });
  });

  it('given a worsening as large as the MCID, when folded, then it is not an attainment', () => {
    const worse = decidedEpisode('episode-1', [
      ...f.certified(),
      ...f.dailySessions(3),
      f.progressReport('r-1', '2025-03-12', [
        { measure: 'NPRS', value: 9 },
        { measure: 'ODI', value: 40 },
      ]),
    ]);
    expect(row(fold(worse), 'NPRS')).toMatchObject({ improvement: -2, mcid_attained: false });
  });

  it('given a discharge, when folded, then the discharge summary’s own judgement is kept', () => {
    const rows = fold(discharged());
    expect(row(rows, 'NPRS')).toMatchObject({
      baseline: 7,
      latest: 2,
      at_discharge: 2,
      discharged_on: '2025-03-20',
      improvement: 5,
      mcid: 2,
      mcid_attained: true,
    });
    expect(row(rows, 'ODI')).toMatchObject({ at_discharge: 18, improvement: 22, mcid_attained: true });
  });

  it('given an event that measures nothing, when folded, then the rows are the same rows (nothing to write)', () => {
    const rows = fold(assessed());
    const session = assessed().at(-1) as EpisodeEvent;
    expect(evolveEpisodeOutcomes(rows, session, defaultFoldContext)).toBe(rows);
  });

  it('lists exactly the columns of its row', () => {
    const [first] = fold(assessed());
    expect([...episodeOutcomes.columns].sort()).toEqual(Object.keys(first ?? {}).sort());
  });
});
