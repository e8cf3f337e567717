/**
 * Which facts of a day go into the domain's billing rules, and what comes out as billing's charge set
 * (docs/billing.md). Pure: the rules are the domain's (buildDailyCharges, buildClaim); this module only
 * gathers the day's visits and keeps the outcome in the shape billing stores and publishes.
 */
import {
  buildDailyCharges,
  dayCertificationStanding,
  isDomainError,
  type BillingCode,
  type CertificationStanding,
  type ChargeLine,
  type PayerSettings,
  type ProviderType,
} from '@careflow/domain';

/** A documented line of a visit: a session's code and minutes, or an evaluation's code. */
export interface VisitLine {
  readonly code: BillingCode;
  readonly minutes: number;
  readonly bodyRegions: readonly string[];
}

export type VisitKind = 'session' | 'evaluation' | 're-evaluation';

/** One billable visit of an episode, as billing keeps it (continuations merged, corrections applied). */
export interface BillingVisit {
  readonly visitId: string;
  readonly kind: VisitKind;
  readonly serviceDate: string;
  readonly therapistId: string | undefined;
  readonly lines: readonly VisitLine[];
  readonly selfPay: boolean;
  readonly signed: boolean;
  readonly certificationStanding: CertificationStanding;
}

/** A day's charges as billing stores and publishes them. */
export interface ChargeSet {
  readonly therapistId: string | undefined;
  readonly providerType: ProviderType;
  readonly lines: readonly ChargeLine[];
  readonly billedUnits: number;
  readonly amountCents: number;
  readonly yearToDateBeforeCents: number;
  readonly certificationStanding: CertificationStanding;
  readonly held: boolean;
  readonly flagged: boolean;
  readonly notesSigned: boolean;
  readonly kxCrossed: boolean;
  readonly reviewCrossed: boolean;
  /** The domain's refusal code when the day cannot be charged. */
  readonly problem: string | undefined;
}

/** Not recorded in the directory: billed as the department's own profession, the least eligible (docs/billing.md). */
export const unrecordedProviderType: ProviderType = 'licensed-massage-therapist';

/** The visits billed to the payer: self-pay sessions are the patient's, not the payer's. */
export const payerVisits = (visits: readonly BillingVisit[]): BillingVisit[] => visits.filter((visit) => !visit.selfPay);

/** The rendering therapist of a day: its first visit's (visits come in a stable order). */
export const renderingTherapist = (visits: readonly BillingVisit[]): string | undefined =>
  visits.find((visit) => visit.therapistId !== undefined)?.therapistId;

export interface DayCharges {
  readonly serviceDate: string;
  /** The payer's visits of the day. */
  readonly visits: readonly BillingVisit[];
  readonly providerType: ProviderType;
  readonly payer: PayerSettings;
  /** The patient's charges with this payer in the day's year before this day, as billed. */
  readonly yearToDateBeforeCents: number;
}

/**
 * The day's charge set through the domain's `buildDailyCharges`. A day is under a plan of care when it
 * has a session or re-evaluation (the initial evaluation precedes the plan). A refusal becomes a charge
 * set without lines that names the refusal's code, so the day shows why it is not billed.
 */
export const chargeSetOf = ({ serviceDate, visits, providerType, payer, yearToDateBeforeCents }: DayCharges): ChargeSet => {
  const certificationStanding = dayCertificationStanding(visits.map((visit) => visit.certificationStanding));
  const common = {
    therapistId: renderingTherapist(visits),
    providerType,
    yearToDateBeforeCents,
    certificationStanding,
    notesSigned: visits.every((visit) => visit.signed),
  };
  const charges = buildDailyCharges(
    {
      serviceDate,
      providerType,
      underPlanOfCare: visits.some((visit) => visit.kind !== 'evaluation'),
      certificationStanding,
      lines: visits.flatMap((visit) => visit.lines),
    },
    payer,
    { year: Number(serviceDate.slice(0, 4)), chargesCents: yearToDateBeforeCents },
  );
  if (isDomainError(charges)) {
    return {
      ...common,
      lines: [],
      billedUnits: 0,
      amountCents: 0,
      held: certificationStanding === 'awaiting-certification',
      flagged: certificationStanding === 'delinquent',
      kxCrossed: false,
      reviewCrossed: false,
      problem: charges.code,
    };
  }
  return {
    ...common,
    lines: charges.lines,
    billedUnits: charges.billedUnits,
    amountCents: charges.amountCents,
    held: charges.held,
    flagged: charges.certificationStanding === 'delinquent',
    kxCrossed: charges.yearToDate.kxCrossed,
    reviewCrossed: charges.yearToDate.medicalReviewCrossed,
    problem: undefined,
  };
};

/** JSON with object keys sorted (absent and undefined alike): a charge set read back from jsonb compares equal to one just built. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, entry: unknown) =>
    entry !== null && typeof entry === 'object' && !Array.isArray(entry)
      ? Object.fromEntries(Object.entries(entry as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : entry,
  );

/**
 * Whether a day's charges changed: only then is there a new version (a corrected charge set). The
 * plain fields first: most changes show there (a signature, a certification), without canonical JSON.
 */
export const chargeSetChanged = (previous: ChargeSet | undefined, next: ChargeSet): boolean =>
  previous === undefined ||
  previous.therapistId !== next.therapistId ||
  previous.providerType !== next.providerType ||
  previous.billedUnits !== next.billedUnits ||
  previous.amountCents !== next.amountCents ||
  previous.yearToDateBeforeCents !== next.yearToDateBeforeCents ||
  previous.certificationStanding !== next.certificationStanding ||
  previous.held !== next.held ||
  previous.flagged !== next.flagged ||
  previous.notesSigned !== next.notesSigned ||
  previous.kxCrossed !== next.kxCrossed ||
  previous.reviewCrossed !== next.reviewCrossed ||
  (previous.problem ?? null) !== (next.problem ?? null) ||
  canonical(previous.lines) !== canonical(next.lines);

/** A day with something billable on it that the payer may be billed for now: notes signed, not held, charged. */
export const isClaimable = (charges: ChargeSet): boolean =>
  charges.notesSigned && !charges.held && charges.problem === undefined && charges.lines.some((line) => line.billable);
