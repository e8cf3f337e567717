/**
 * The words a plan of care and a session note are written in (docs/clinical-rules.md §6–7): techniques from
 * the department's catalogue, body regions and pressure levels. Closed lists, so rules about
 * "the legs" or "deep tissue" can be checked rather than guessed from free text.
 */
import { list, oneOf } from '../validation';

export const techniques = [
  'myofascial-release',
  'trigger-point-therapy',
  'cross-fiber-friction',
  'muscle-energy-technique',
  'pnf-stretching',
  'deep-tissue',
  'swedish',
  'manual-lymph-drainage',
] as const;
/** `trigger-point-therapy` covers neuromuscular therapy (NMT), as the catalogue lists them together. */
export type Technique = (typeof techniques)[number];

export const bodyRegions = [
  'head',
  'jaw',
  'neck',
  'upper-back',
  'lower-back',
  'chest',
  'abdomen',
  'pelvis',
  'shoulder-left',
  'shoulder-right',
  'arm-left',
  'arm-right',
  'hand-left',
  'hand-right',
  'hip-left',
  'hip-right',
  'leg-left',
  'leg-right',
  'foot-left',
  'foot-right',
] as const;
export type BodyRegion = (typeof bodyRegions)[number];
export const bodyRegionSchema = oneOf(bodyRegions);
/** Regions, each at most once. */
export const bodyRegionsSchema = list(bodyRegionSchema, { max: bodyRegions.length });

export const legRegions: readonly BodyRegion[] = ['leg-left', 'leg-right', 'foot-left', 'foot-right'];
export const extremityRegions: readonly BodyRegion[] = ['arm-left', 'arm-right', 'hand-left', 'hand-right', ...legRegions];

/**
 * What lies under the hand in each region, for "no deep pressure over bone" (osteoporosis). A region
 * is over bone when bone lies close under the skin or firm pressure loads it directly: the skull and
 * jaw, the spine (neck, upper and lower back, with the scapulae and ribs), the sternum and ribs of the
 * chest, the pelvis and sacrum, the shoulder girdle, the hands and feet, and the greater trochanter
 * of the hip. The abdomen, the upper arm and the thigh and calf are soft tissue: muscle bellies
 * cushion the long bones. The whole leg counts as soft tissue though the shin is bony: a region is
 * one word in the note, so the therapist avoids the shin within it.
 */
export const tissueUnder: Readonly<Record<BodyRegion, 'bone' | 'soft-tissue'>> = {
  head: 'bone',
  jaw: 'bone',
  neck: 'bone',
  'upper-back': 'bone',
  'lower-back': 'bone',
  chest: 'bone',
  abdomen: 'soft-tissue',
  pelvis: 'bone',
  'shoulder-left': 'bone',
  'shoulder-right': 'bone',
  'arm-left': 'soft-tissue',
  'arm-right': 'soft-tissue',
  'hand-left': 'bone',
  'hand-right': 'bone',
  'hip-left': 'bone',
  'hip-right': 'bone',
  'leg-left': 'soft-tissue',
  'leg-right': 'soft-tissue',
  'foot-left': 'bone',
  'foot-right': 'bone',
};

export const regionsOverBone: readonly BodyRegion[] = bodyRegions.filter((region) => tissueUnder[region] === 'bone');

/** Ordered from least to most. */
export const pressureLevels = ['light', 'moderate', 'firm', 'deep'] as const;
export type Pressure = (typeof pressureLevels)[number];

export const isPressureAbove = (pressure: Pressure, limit: Pressure): boolean =>
  pressureLevels.indexOf(pressure) > pressureLevels.indexOf(limit);
