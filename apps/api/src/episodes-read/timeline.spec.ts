import type { CareEpisodeEvent } from '@careflow/domain';
import { addendumText, episodeStory, storedStory } from '../testing/episode-story';
import { describeEvent, timelineOf } from './timeline';

const story = episodeStory();
const byType = (type: CareEpisodeEvent['type']) => story.events.find((event) => event.type === type);

describe('the timeline in the clinic’s words', () => {
  it('words every event of a whole episode, in order, with who and when', () => {
    const timeline = timelineOf(storedStory(story), { noteText: true });
    expect(timeline.map((entry) => entry.type)).toEqual(story.events.map((event) => event.type));
    expect(timeline.map((entry) => entry.version)).toEqual(story.events.map((_, index) => index + 1));
    for (const entry of timeline) {
      expect(entry.summary).toMatch(/^[A-Z].*\.$/);
      expect(entry.actor.userId).not.toBe('');
    }
  });

  it('explains routing: candidates with scores, exclusions with reasons', () => {
    const routed: CareEpisodeEvent = {
      type: 'ReferralRouted',
      schemaVersion: 1,
      occurredAt: '2025-03-03T09:00:00.000Z',
      actor: { userId: 'careflow-system', role: 'system' },
      request: {
        patientState: 'MD',
        referralDate: '2025-03-01',
        expectedPlanEnd: '2025-05-01',
        diagnosisCodes: ['C50.9'],
        cancerHistory: true,
        previousTherapistIds: [],
      },
      decision: {
        ranked: [{ therapistId: 't-1', eligible: true, score: 87, reasons: ['caseload 3 of 25'], exclusions: [] }],
        excluded: [
          {
            therapistId: 't-2',
            eligible: false,
            score: 40,
            reasons: [],
            exclusions: [{ rule: 'missing-required-certificate', detail: 'oncology-massage' }],
          },
        ],
        requiredCertificates: ['oncology-massage'],
        preferredCertificates: [],
      },
    };
    const words = describeEvent(routed, { noteText: false });
    expect(words.summary).toBe('Referral routed: 1 eligible therapist(s), 1 excluded.');
    expect(words.details).toEqual([
      'required certificates: oncology-massage',
      'candidate t-1: score 87 (caseload 3 of 25)',
      'excluded t-2: missing-required-certificate: oncology-massage (score 40)',
    ]);
  });

  it('quotes note text only for callers who may read it', () => {
    const addendum = byType('AddendumAdded');
    if (addendum === undefined) throw new Error('the story has an addendum');
    expect(describeEvent(addendum, { noteText: true }).details).toContain(`addendum: "${addendumText}"`);
    const withheld = describeEvent(addendum, { noteText: false });
    expect(JSON.stringify(withheld)).not.toContain(addendumText);
    expect(withheld.details).toContain('addendum: (note text withheld)');
  });

  it('never names the patient', () => {
    const text = JSON.stringify(timelineOf(storedStory(story), { noteText: true }));
    expect(text).not.toContain(story.patientName);
    expect(text).not.toContain(story.mrn);
  });
});
