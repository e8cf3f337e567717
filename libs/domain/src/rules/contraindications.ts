/**
 * Contraindication screening (CLINICAL-RULES §4). An absolute finding puts the episode on hold and
 * asks the referring physician for clearance; a relative one restricts techniques until cleared.
 */
import { daysBetween, type IsoDate } from '../calendar';
import { DomainError, type Refusal } from '../errors';
import { extremityRegions, isPressureAbove, legRegions, bodyRegions, type BodyRegion, type Pressure, type Technique } from './catalogue';

export const absoluteConditions = [
  'deep-vein-thrombosis',
  'fever-or-acute-infection',
  'acute-bleeding',
  'decompensated-heart-failure',
  'untreated-malignancy',
  'acute-fracture',
] as const;

export const relativeConditions = [
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
      /** Only when this technique is used in the session. */
      readonly technique?: Technique;
    }
  | { readonly kind: 'site'; readonly regions: readonly BodyRegion[] };

/** A finding as the therapist records it at screening. */
export interface ScreeningFinding {
  readonly findingId: string;
  readonly condition: ContraindicationCondition;
  /** When the event (thrombosis, surgery) happened; absent means current or suspected. */
  readonly occurredOn?: IsoDate;
  /** The site, for findings tied to one (fracture, surgery). */
  readonly bodyRegions?: readonly BodyRegion[];
}

interface ConditionRule {
  readonly severity: Severity;
  /** Only a contraindication this many days after it occurred. */
  readonly currentForDays?: number;
  readonly needsSite: boolean;
  readonly restrictions: (site: readonly BodyRegion[]) => TechniqueRestriction[];
}

const none = (): TechniqueRestriction[] => [];
const absolute = (options: { currentForDays?: number; needsSite?: boolean } = {}): ConditionRule => ({
  severity: 'absolute',
  needsSite: options.needsSite ?? false,
  restrictions: none,
  ...(options.currentForDays === undefined ? {} : { currentForDays: options.currentForDays }),
});

const allRegions: readonly BodyRegion[] = bodyRegions;

/** The screening catalogue: one entry per condition, the only place its consequences are stated. */
export const contraindicationRules: Readonly<Record<ContraindicationCondition, ConditionRule>> = {
  'deep-vein-thrombosis': absolute({ currentForDays: 28 }),
  'fever-or-acute-infection': absolute(),
  'acute-bleeding': absolute(),
  'decompensated-heart-failure': absolute(),
  'untreated-malignancy': absolute(),
  'acute-fracture': absolute({ needsSite: true }),
  'anticoagulant-therapy': {
    severity: 'relative',
    needsSite: false,
    restrictions: () => [
      { kind: 'technique', technique: 'deep-tissue' },
      { kind: 'technique', technique: 'cross-fiber-friction' },
      { kind: 'pressure', technique: 'trigger-point-therapy', max: 'firm', regions: allRegions },
    ],
  },
  'diabetic-peripheral-neuropathy': {
    severity: 'relative',
    needsSite: false,
    restrictions: () => [{ kind: 'pressure', max: 'light', regions: extremityRegions }],
  },
  // Controlled heart disease: no vigorous deep work until the physician clears it.
  'controlled-cardiovascular-disease': {
    severity: 'relative',
    needsSite: false,
    restrictions: () => [{ kind: 'technique', technique: 'deep-tissue' }],
  },
  osteoporosis: {
    severity: 'relative',
    needsSite: false,
    restrictions: () => [{ kind: 'pressure', max: 'firm', regions: allRegions }],
  },
  'recent-surgery': {
    severity: 'relative',
    currentForDays: 42,
    needsSite: true,
    restrictions: (site) => [{ kind: 'site', regions: site }],
  },
  // Positioning is the therapist's judgement; what can be checked is no deep pressure on the legs.
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
}

/** A finding that needs a site but names none cannot be screened. */
export const findingRefusal = (finding: ScreeningFinding): Refusal =>
  contraindicationRules[finding.condition].needsSite && (finding.bodyRegions ?? []).length === 0
    ? new DomainError('INVALID_COMMAND', `Finding ${finding.findingId} must name the body regions of its site.`, {
        findingId: finding.findingId,
      })
    : undefined;

/** Classifies a finding on the screening day; undefined when it is history, no longer a contraindication. */
export const screen = (finding: ScreeningFinding, screenedOn: IsoDate): Contraindication | undefined => {
  const rule = contraindicationRules[finding.condition];
  if (
    rule.currentForDays !== undefined &&
    finding.occurredOn !== undefined &&
    daysBetween(finding.occurredOn, screenedOn) > rule.currentForDays
  ) {
    return undefined;
  }
  return {
    findingId: finding.findingId,
    condition: finding.condition,
    severity: rule.severity,
    restrictions: rule.restrictions(finding.bodyRegions ?? []),
  };
};

/** What a session does, as the restrictions see it. */
export interface SessionTechniqueUse {
  readonly techniques: readonly Technique[];
  readonly pressure: ReadonlyArray<{ readonly bodyRegion: BodyRegion; readonly pressure: Pressure }>;
  readonly treatedRegions: readonly BodyRegion[];
}

const violation = (restriction: TechniqueRestriction, use: SessionTechniqueUse): string | undefined => {
  switch (restriction.kind) {
    case 'technique':
      return use.techniques.includes(restriction.technique) ? `${restriction.technique} is not allowed` : undefined;
    case 'pressure': {
      if (restriction.technique !== undefined && !use.techniques.includes(restriction.technique)) return undefined;
      const over = use.pressure.find(
        (entry) => restriction.regions.includes(entry.bodyRegion) && isPressureAbove(entry.pressure, restriction.max),
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
