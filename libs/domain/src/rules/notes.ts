/**
 * Session lines as a note documents them (docs/clinical-rules.md §7): minutes per timed code and the body
 * regions treated. Whether a correction of them needs a corrected claim is billing's rule
 * (`billingRelevantLineChanges`).
 */
import type { z } from 'zod';
import { timedCodes } from '../billing/codes';
import { integer, oneOf, record } from '../validation';
import { bodyRegionsSchema } from './catalogue';

export const sessionLineSchema = record({ code: oneOf(timedCodes), minutes: integer(0, 480), bodyRegions: bodyRegionsSchema });
export type SessionLine = z.infer<typeof sessionLineSchema>;

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
