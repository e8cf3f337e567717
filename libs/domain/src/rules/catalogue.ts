/**
 * The words a plan of care and a session note are written in (CLINICAL-RULES §6–7): techniques from
 * the department's catalogue, body regions and pressure levels. Closed lists, so rules about
 * "the legs" or "deep tissue" can be checked rather than guessed from free text.
 */

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

export const legRegions: readonly BodyRegion[] = ['leg-left', 'leg-right', 'foot-left', 'foot-right'];
export const extremityRegions: readonly BodyRegion[] = ['arm-left', 'arm-right', 'hand-left', 'hand-right', ...legRegions];

/** Ordered from least to most. */
export const pressureLevels = ['light', 'moderate', 'firm', 'deep'] as const;
export type Pressure = (typeof pressureLevels)[number];

export const isPressureAbove = (pressure: Pressure, limit: Pressure): boolean =>
  pressureLevels.indexOf(pressure) > pressureLevels.indexOf(limit);
