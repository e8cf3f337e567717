/**
 * Session lines as a note documents them (docs/clinical-rules.md §7): minutes per timed code and the body
 * regions treated. Whether a correction of them needs a corrected claim is billing's rule
 * (`billingRelevantLineChanges`).
 */
import type { TimedCode } from '../billing';
import type { BodyRegion } from './catalogue';

export interface SessionLine {
  readonly code: TimedCode;
  readonly minutes: number;
  readonly bodyRegions: readonly BodyRegion[];
}

/** The lines of a session after a continuation: minutes of the same code on the same regions add up. */
export const mergeSessionLines = (lines: readonly SessionLine[], added: readonly SessionLine[]): SessionLine[] => {
  const key = (line: SessionLine) => `${line.code}:${[...line.bodyRegions].sort().join('+')}`;
  return added.reduce<SessionLine[]>(
    (merged, line) => {
      const existing = merged.find((entry) => key(entry) === key(line));
      return existing === undefined
        ? [...merged, line]
        : merged.map((entry) => (entry === existing ? { ...existing, minutes: existing.minutes + line.minutes } : entry));
    },
    [...lines],
  );
};
