import { fold } from '@careflow/domain';
import { addendumText, episodeStory } from '../testing/episode-story';
import { withoutNoteText } from './minimum-necessary';

describe('minimum necessary', () => {
  const state = fold(episodeStory().events);

  it('leaves free text out of the episode for callers without note-text', () => {
    const shown = JSON.stringify(withoutNoteText(state));
    expect(JSON.stringify(state)).toContain('felt looser afterwards');
    expect(shown).not.toContain('felt looser afterwards');
    expect(shown).not.toContain(addendumText);
    for (const goal of withoutNoteText(state).plan?.goals ?? []) expect(goal.description).toBe('');
  });

  it('keeps codes, dates and counts', () => {
    const shown = withoutNoteText(state);
    expect(shown.status).toBe(state.status);
    expect(shown.visits.length).toBe(state.visits.length);
    expect(shown.plan?.goals.map((goal) => goal.measure)).toEqual(state.plan?.goals.map((goal) => goal.measure));
  });
});
