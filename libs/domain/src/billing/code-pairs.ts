import { DomainError } from '../errors';
import type { BillingCode } from './codes';

/** A line of the day as the 97124/97140 rule sees it: which code, on which body regions. */
export interface RegionedLine {
  readonly code: BillingCode;
  readonly bodyRegions: readonly string[];
}

const massage: BillingCode = '97124';
const manualTherapy: BillingCode = '97140';

const normalizeRegion = (region: string): string => region.trim().toLowerCase();

/**
 * 97124 (massage) and 97140 (manual therapy) may only both be billed on one day for distinct body
 * regions. A line of the pair without a documented region cannot show that, so it is refused too.
 * Returns the refusal, or undefined when the day's lines may be billed together.
 */
export const findCodePairConflict = (lines: readonly RegionedLine[]): DomainError | undefined => {
  const massageLines = lines.filter((line) => line.code === massage);
  const manualLines = lines.filter((line) => line.code === manualTherapy);
  if (massageLines.length === 0 || manualLines.length === 0) return undefined;

  const pairLines = [...massageLines, ...manualLines];
  if (pairLines.some((line) => line.bodyRegions.every((region) => normalizeRegion(region) === ''))) {
    return new DomainError(
      'CODE_PAIR_SAME_REGION',
      'Massage (97124) and manual therapy (97140) on the same day need the body region of each documented, ' +
        'so that they can be shown to differ.',
    );
  }

  const massageRegions = new Set(massageLines.flatMap((line) => line.bodyRegions.map(normalizeRegion)));
  const shared = [...new Set(manualLines.flatMap((line) => line.bodyRegions.map(normalizeRegion)))]
    .filter((region) => region !== '' && massageRegions.has(region))
    .sort();
  if (shared.length === 0) return undefined;
  return new DomainError(
    'CODE_PAIR_SAME_REGION',
    'Massage (97124) and manual therapy (97140) cannot both be billed for the same body region on the same day ' +
      `(${shared.join(', ')}).`,
    { regions: shared.join(',') },
  );
};

/**
 * The code that carries modifier 59: when both codes of the pair are billed (on distinct regions),
 * the second of them in the documented order marks the separate service.
 */
export const distinctServiceCode = (codes: readonly BillingCode[]): BillingCode | undefined =>
  [...new Set(codes.filter((code) => code === massage || code === manualTherapy))][1];
