/**
 * Test code only: one whole episode decided by the domain (referral to discharge, with a paused
 * session, an addendum, a progress report), as the events its stream would hold.
 */
import { randomUUID } from 'node:crypto';
import { type CareEpisodeCommand, type CareEpisodeEvent } from '@careflow/domain';
import * as f from '@careflow/domain/testing';
import type { StoredEpisodeEvent } from '../episodes-read/timeline';

export interface EpisodeStory {
  readonly episodeId: string;
  readonly patientName: string;
  readonly mrn: string;
  readonly events: readonly CareEpisodeEvent[];
  /** How many of the events are recorded before the discharge. */
  readonly beforeDischarge: number;
}

export const addendumText = 'pressure documented as firm, was moderate';

export const episodeStory = (options: { closed?: boolean } = {}): EpisodeStory => {
  const episodeId = randomUUID();
  const suffix = randomUUID().slice(0, 8);
  const patientName = `Canary Patient ${suffix}`;
  const mrn = `MRN-${suffix}`;
  const referral = f.referral({
    referralId: `referral-${suffix}`,
    patient: { mrn, name: patientName, birthDate: '1961-07-04', sex: 'female', stateOfResidence: 'MD' },
  });
  const commands: CareEpisodeCommand[] = [
    f.receiveReferral({ episodeId, referral }),
    ...f.certified().slice(1),
    f.recordSession('s-1', '2025-03-07', { patientFeedback: 'felt looser afterwards' }),
    f.pauseSession('s-1', f.at('2025-03-07', '17:10')),
    f.resumeSession('s-1', f.at('2025-03-07', '17:30')),
    f.signNote('s-1', f.at('2025-03-07', '18:00')),
    { type: 'AddAddendum', at: f.at('2025-03-08'), actor: f.therapist, sessionId: 's-1', addendumId: 'a-1', text: addendumText },
    f.recordSession('s-2', '2025-03-10'),
    f.signNote('s-2', f.at('2025-03-10', '18:00')),
    f.progressReport('p-1', '2025-03-11'),
  ];
  const before = f.replay(commands).events.length;
  const all = options.closed === false ? commands : [...commands, f.discharge('2025-03-20')];
  return { episodeId, patientName, mrn, events: f.replay(all).events, beforeDischarge: before };
};

/** The events as the store hands them back, recorded a minute apart from `start`. */
export const storedStory = (story: EpisodeStory, start = Date.parse('2025-03-01T09:00:00Z')): StoredEpisodeEvent[] =>
  story.events.map((event, index) => ({
    streamVersion: index + 1,
    recordedAt: new Date(start + index * 60_000).toISOString(),
    event,
  }));
