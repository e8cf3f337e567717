/**
 * Contraindication screening (docs/clinical-rules.md §4). An absolute finding puts the episode on hold and
 * asks the referring physician for clearance; a relative one restricts techniques until cleared.
 */
import type { z } from 'zod';
import { daysBetween, type IsoDate } from '../calendar';
import { DomainError, type Refusal } from '../errors';
import { identifier, isoDate, list, oneOf, record, shortText } from '../validation';
import {
  extremityRegions,
  isPressureAbove,
  legRegions,
  bodyRegions,
  bodyRegionSchema,
  bodyRegionsSchema,
  regionsOverBone,
  type BodyRegion,
  type Pressure,
  type Technique,
} from './catalogue';
import { anticoagulantNames, antiplateletNames, aspirinNames, type Medication } from './screening-lists';

const absoluteConditions = [
  'deep-vein-thrombosis',
  'fever-or-acute-infection',
  'acute-bleeding',
  'decompensated-heart-failure',
  'untreated-malignancy',
  'acute-fracture',
] as const;

const relativeConditions = [
  'anticoagulant-therapy',
  'diabetic-peripheral-neuropathy',
  'controlled-cardiovascular-disease',
  'osteoporosis',
  'recent-surgery',
  'pregnancy',
] as const;

export const contraindicationConditions = [...absoluteConditions, ...relativeConditions] as const;
export type ContraindicationCondition = (typeof contraindicationConditions)[number];
export type Severity = 'absolute' | 'relative';

/** What a relative contraindication forbids in a session until it is cleared. */
export type TechniqueRestriction =
  | { readonly kind: 'technique'; readonly technique: Technique }
  | {
      readonly kind: 'pressure';
      readonly max: Pressure;
      readonly regions: readonly BodyRegion[];
      /** Only pressure applied with this technique. */
      readonly technique?: Technique;
    }
  | { readonly kind: 'site'; readonly regions: readonly BodyRegion[] };

/** A finding as the therapist records it at screening. */
export const screeningFindingSchema = record({
  findingId: identifier(),
  condition: oneOf(contraindicationConditions),
  occurredOn: isoDate.optional().meta({ description: 'When the event (thrombosis, surgery) happened; absent means current or suspected.' }),
  bodyRegions: bodyRegionsSchema.optional().meta({ description: 'The site, for findings tied to one (fracture, surgery).' }),
});
export type ScreeningFinding = z.infer<typeof screeningFindingSchema>;

interface ConditionRule {
  readonly severity: Severity;
  /** Only a contraindication this many days after it occurred. */
  readonly currentForDays?: number;
  readonly needsSite: boolean;
  /** Absolute only at a region to be treated; elsewhere a relative precaution on its site. */
  readonly absoluteOnlyAtTreatedRegions?: boolean;
  readonly restrictions: (site: readonly BodyRegion[]) => TechniqueRestriction[];
}

const none = (): TechniqueRestriction[] => [];
const absolute = (options: { currentForDays?: number } = {}): ConditionRule => ({
  severity: 'absolute',
  needsSite: false,
  restrictions: none,
  ...(options.currentForDays === undefined ? {} : { currentForDays: options.currentForDays }),
});

const allRegions: readonly BodyRegion[] = bodyRegions;
const avoidSite = (site: readonly BodyRegion[]): TechniqueRestriction[] => [{ kind: 'site', regions: site }];
/** "No deep tissue" is about the depth, whatever the technique is called: no deep pressure anywhere, and not the technique. */
const noDeepWork: readonly TechniqueRestriction[] = [
  { kind: 'technique', technique: 'deep-tissue' },
  { kind: 'pressure', max: 'firm', regions: allRegions },
];

/**
 * The screening catalogue: one entry per condition, the only place its consequences are stated.
 * Readings of docs/clinical-rules.md §4 chosen here:
 * - An acute fracture holds the episode only at a region to be treated (the referral's or the plan's
 *   regions; when neither names one, every region counts). Away from them it is a relative precaution:
 *   avoid its site. A plan that later adds the site makes it absolute (see `fracturesAtTreatedRegions`).
 * - Anticoagulant or antiplatelet therapy: no deep-tissue technique and no deep pressure by any
 *   technique; no cross-fiber friction; and "deep trigger-point pressure" is trigger-point work above
 *   moderate, because sustained firm compression of a trigger point is what bruises.
 * - Controlled cardiovascular disease, for which the rules name no restriction: no vigorous deep work
 *   (as under anticoagulants, no deep-tissue and no deep pressure) until the physician clears it.
 * - Osteoporosis: no deep pressure on regions over bone (`tissueUnder` in the catalogue).
 * - Pregnancy: positioning is the therapist's judgement; what can be checked is no deep pressure on
 *   the legs and feet.
 */
const contraindicationRules: Readonly<Record<ContraindicationCondition, ConditionRule>> = {
  'deep-vein-thrombosis': absolute({ currentForDays: 28 }),
  'fever-or-acute-infection': absolute(),
  'acute-bleeding': absolute(),
  'decompensated-heart-failure': absolute(),
  'untreated-malignancy': absolute(),
  'acute-fracture': { severity: 'absolute', needsSite: true, absoluteOnlyAtTreatedRegions: true, restrictions: avoidSite },
  'anticoagulant-therapy': {
    severity: 'relative',
    needsSite: false,
    restrictions: () => [
      ...noDeepWork,
      { kind: 'technique', technique: 'cross-fiber-friction' },
      { kind: 'pressure', technique: 'trigger-point-therapy', max: 'moderate', regions: allRegions },
    ],
  },
  'diabetic-peripheral-neuropathy': {
    severity: 'relative',
    needsSite: false,
    restrictions: () => [{ kind: 'pressure', max: 'light', regions: extremityRegions }],
  },
  'controlled-cardiovascular-disease': { severity: 'relative', needsSite: false, restrictions: () => [...noDeepWork] },
  osteoporosis: {
    severity: 'relative',
    needsSite: false,
    restrictions: () => [{ kind: 'pressure', max: 'firm', regions: regionsOverBone }],
  },
  'recent-surgery': { severity: 'relative', currentForDays: 42, needsSite: true, restrictions: avoidSite },
  pregnancy: {
    severity: 'relative',
    needsSite: false,
    restrictions: () => [{ kind: 'pressure', max: 'firm', regions: legRegions }],
  },
};

export interface Contraindication {
  readonly findingId: string;
  readonly condition: ContraindicationCondition;
  readonly severity: Severity;
  readonly restrictions: readonly TechniqueRestriction[];
  /** The finding's site, for findings tied to one. */
  readonly site?: readonly BodyRegion[];
}

/** A finding that needs a site but names none cannot be screened. */
export const findingRefusal = (finding: ScreeningFinding): Refusal =>
  contraindicationRules[finding.condition].needsSite && (finding.bodyRegions ?? []).length === 0
    ? new DomainError('INVALID_COMMAND', `Finding ${finding.findingId} must name the body regions of its site.`, {
        findingId: finding.findingId,
      })
    : undefined;

const touches = (site: readonly BodyRegion[], regions: readonly BodyRegion[]): boolean => site.some((region) => regions.includes(region));

/**
 * Classifies a finding on the screening day; undefined when it is history, no longer a
 * contraindication. `treatedRegions` are the regions the referral and plan name; empty when unknown.
 */
export const screen = (
  finding: ScreeningFinding,
  screenedOn: IsoDate,
  treatedRegions: readonly BodyRegion[],
): Contraindication | undefined => {
  const rule = contraindicationRules[finding.condition];
  if (
    rule.currentForDays !== undefined &&
    finding.occurredOn !== undefined &&
    daysBetween(finding.occurredOn, screenedOn) > rule.currentForDays
  ) {
    return undefined;
  }
  const site = finding.bodyRegions ?? [];
  const awayFromTreatment = rule.absoluteOnlyAtTreatedRegions === true && treatedRegions.length > 0 && !touches(site, treatedRegions);
  return {
    findingId: finding.findingId,
    condition: finding.condition,
    severity: awayFromTreatment ? 'relative' : rule.severity,
    restrictions: rule.restrictions(site),
    ...(site.length === 0 ? {} : { site }),
  };
};

/** Uncleared precautions that become absolute now that their site is among the regions to be treated. */
export const fracturesAtTreatedRegions = <C extends Contraindication>(
  uncleared: readonly C[],
  treatedRegions: readonly BodyRegion[],
): C[] =>
  uncleared.filter(
    (c) =>
      c.severity === 'relative' &&
      contraindicationRules[c.condition].absoluteOnlyAtTreatedRegions === true &&
      // A fracture always names its site (`needsSite`).
      c.site !== undefined &&
      touches(c.site, treatedRegions),
  );

/** A surgery as intake records it: what was done, when, and where. */
export const recentSurgerySchema = record({
  procedure: shortText,
  date: isoDate,
  bodyRegions: list(bodyRegionSchema, { min: 1, max: bodyRegions.length }),
});
export type RecentSurgery = z.infer<typeof recentSurgerySchema>;

/** What intake records besides coded findings that screening reads. */
export interface IntakeScreening {
  readonly medications: ReadonlyArray<string | Medication>;
  readonly recentSurgeries: readonly RecentSurgery[];
  readonly pregnant?: boolean;
  readonly findings: readonly ScreeningFinding[];
}

/** Findings derived from the intake carry ids with this prefix; coded findings may not use it. */
export const derivedFindingIdPrefix = 'intake-';

const escaped = (name: string): string => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const namesAny = (names: readonly string[]) => {
  const pattern = new RegExp(`(^|[^a-z0-9])(${names.map(escaped).join('|')})($|[^a-z0-9])`, 'i');
  return (text: string): boolean => pattern.test(text);
};
const namesAnticoagulant = namesAny([...anticoagulantNames, ...antiplateletNames]);
const namesAspirin = namesAny(aspirinNames);

/** Anticoagulant or antiplatelet therapy, by recorded class, else by name (docs/clinical-rules.md §4). */
const thinsBlood = (medication: string | Medication): boolean => {
  const { name, class: recordedClass } = typeof medication === 'string' ? { name: medication, class: undefined } : medication;
  if (recordedClass !== undefined) return recordedClass !== 'other' || namesAnticoagulant(name);
  return namesAnticoagulant(name) || namesAspirin(name);
};

/**
 * Findings the intake's medications, surgeries and pregnancy amount to, as if the therapist had coded
 * them, so they raise the same precautions and are kept in the intake's findings (replay needs no
 * lists). A condition the therapist already coded is not derived again.
 */
export const findingsFromIntake = (intake: IntakeScreening): ScreeningFinding[] => {
  const coded = (condition: ContraindicationCondition) => intake.findings.some((finding) => finding.condition === condition);
  const derive = (condition: ContraindicationCondition, applies: boolean): ScreeningFinding[] =>
    applies && !coded(condition) ? [{ findingId: `${derivedFindingIdPrefix}${condition}`, condition }] : [];
  return [
    ...derive('anticoagulant-therapy', intake.medications.some(thinsBlood)),
    ...intake.recentSurgeries.map((surgery, index): ScreeningFinding => ({
      findingId: `${derivedFindingIdPrefix}recent-surgery-${index + 1}`,
      condition: 'recent-surgery',
      occurredOn: surgery.date,
      bodyRegions: surgery.bodyRegions,
    })),
    ...derive('pregnancy', intake.pregnant === true),
  ];
};

/** Pressure on one region, by one technique when the note names it, else by every technique of the session. */
export interface PressureApplication {
  readonly bodyRegion: BodyRegion;
  readonly pressure: Pressure;
  readonly technique?: Technique;
}

/** What a session does, as the restrictions see it. */
export interface SessionTechniqueUse {
  /** Every technique used, including those named only in a pressure entry. */
  readonly techniques: readonly Technique[];
  readonly pressure: readonly PressureApplication[];
  readonly treatedRegions: readonly BodyRegion[];
}

const appliedWith = (entry: PressureApplication, technique: Technique | undefined, use: SessionTechniqueUse): boolean =>
  technique === undefined || (entry.technique === undefined ? use.techniques.includes(technique) : entry.technique === technique);

const violation = (restriction: TechniqueRestriction, use: SessionTechniqueUse): string | undefined => {
  switch (restriction.kind) {
    case 'technique':
      return use.techniques.includes(restriction.technique) ? `${restriction.technique} is not allowed` : undefined;
    case 'pressure': {
      const over = use.pressure.find(
        (entry) =>
          restriction.regions.includes(entry.bodyRegion) &&
          isPressureAbove(entry.pressure, restriction.max) &&
          appliedWith(entry, restriction.technique, use),
      );
      return over === undefined
        ? undefined
        : `pressure above ${restriction.max} on ${over.bodyRegion}${restriction.technique === undefined ? '' : ` with ${restriction.technique}`} is not allowed`;
    }
    case 'site': {
      const site = use.treatedRegions.find((region) => restriction.regions.includes(region));
      return site === undefined ? undefined : `treating ${site} is not allowed`;
    }
  }
};

/**
 * Refuses a session that uses what an uncleared relative contraindication restricts. The message
 * names the technique or region and the finding id, never the condition (it is health information).
 */
export const restrictedTechniqueRefusal = (uncleared: readonly Contraindication[], use: SessionTechniqueUse): Refusal => {
  for (const contraindication of uncleared) {
    for (const restriction of contraindication.restrictions) {
      const problem = violation(restriction, use);
      if (problem !== undefined) {
        return new DomainError(
          'TECHNIQUE_RESTRICTED',
          `This session breaks a precaution from screening: ${problem} until the referring physician clears finding ${contraindication.findingId}.`,
          { findingId: contraindication.findingId },
        );
      }
    }
  }
  return undefined;
};
