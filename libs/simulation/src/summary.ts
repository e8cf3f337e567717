/**
 * What a department lead reads from a run: waits, routing, caseloads, compliance findings, visits,
 * and units and charges as the domain's billing module prices them. Derived from the episodes'
 * events and final state only.
 */
import {
  type BillingCode,
  type PayerSettings,
  buildDailyCharges,
  commercialPayerSettings,
  daysBetween,
  isDomainError,
  medicareLikePayerSettings,
  sessionsOf,
  yearOf,
} from '@careflow/domain';
import type { CaseloadSample, SimulationRun } from './engine';

/** Events that record a rule not met in time, or a question the clinic must answer. */
export const complianceFindings = [
  'CertificationDelinquent',
  'SessionsCertificationDelinquent',
  'VerbalOrderDelinquent',
  'CertifiedPeriodEnded',
  'ProgressReportDue',
  'AuthorizationEnded',
  'NoteSignatureOverdue',
  'PlateauDetected',
  'NoShowDischargePromptRaised',
] as const;

export interface ChargeTotal {
  readonly payer: string;
  readonly code: BillingCode;
  readonly units: number;
  readonly amountCents: number;
}

export interface RunSummary {
  readonly plan: string;
  readonly seed: number;
  readonly episodes: number;
  readonly endDate: string;
  readonly status: Readonly<Record<string, number>>;
  readonly dischargeReasons: Readonly<Record<string, number>>;
  /** Days from referral to first visit, one per episode that had one. */
  readonly waitsDays: readonly number[];
  readonly waitMedianDays: number | null;
  readonly waitP90Days: number | null;
  readonly neverSeen: number;
  readonly offersMade: number;
  readonly offersExpired: number;
  readonly offersDeclined: number;
  readonly escalations: number;
  readonly referralsDeclined: number;
  readonly findings: Readonly<Record<string, number>>;
  readonly refusals: Readonly<Record<string, number>>;
  readonly visits: number;
  readonly noShows: number;
  readonly billedUnits: number;
  readonly chargesCents: number;
  readonly heldCharges: number;
  readonly flaggedCharges: number;
  readonly billingRefusals: Readonly<Record<string, number>>;
  readonly charges: readonly ChargeTotal[];
  readonly caseloads: readonly CaseloadSample[];
  readonly waitsByKind: Readonly<Record<string, number | null>>;
}

/** The example payers the simulated referrals carry; a department configures its own. */
export const simulatedPayers: Readonly<Record<string, PayerSettings>> = {
  'payer-medicare-like': medicareLikePayerSettings,
  'payer-commercial': commercialPayerSettings,
};

const count = (values: readonly string[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const value of [...values].sort()) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
};

const percentile = (values: readonly number[], share: number): number | null => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? null : (sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? null);
};

export const summarize = (run: SimulationRun): RunSummary => {
  const { episodes } = run;
  const events = episodes.flatMap((episode) => episode.events);
  const types = events.map((event) => event.type);
  const typeCount = count(types);
  const seen = episodes.filter((episode) => episode.firstVisit !== undefined);
  const waitOf = (episode: (typeof episodes)[number]): number =>
    daysBetween(episode.referralDate, episode.firstVisit ?? episode.referralDate);
  const providerTypes = new Map(run.options.plan.therapists.map((therapist) => [therapist.therapistId, therapist.providerType]));

  const charges = new Map<string, ChargeTotal>();
  const billingRefusals: string[] = [];
  let billedUnits = 0;
  let chargesCents = 0;
  let heldCharges = 0;
  let flaggedCharges = 0;
  for (const episode of episodes) {
    const payerId = episode.state.referral?.payer.payerId ?? 'unknown';
    const payer = simulatedPayers[payerId];
    if (payer === undefined) continue;
    const yearToDate = new Map<number, number>();
    const sessions = sessionsOf(episode.state).sort((a, b) => daysBetween(b.documentation.date, a.documentation.date));
    for (const session of sessions) {
      const year = yearOf(session.documentation.date);
      const daily = buildDailyCharges(
        {
          serviceDate: session.documentation.date,
          providerType: providerTypes.get(session.documentation.therapist.therapistId) ?? 'licensed-massage-therapist',
          underPlanOfCare: true,
          certificationStanding: session.certificationStanding,
          lines: session.documentation.lines,
        },
        payer,
        { year, chargesCents: yearToDate.get(year) ?? 0 },
      );
      if (isDomainError(daily)) {
        billingRefusals.push(daily.code);
        continue;
      }
      yearToDate.set(year, daily.yearToDate.afterCents);
      billedUnits += daily.billedUnits;
      chargesCents += daily.amountCents;
      if (daily.held) heldCharges += 1;
      if (daily.certificationStanding === 'delinquent') flaggedCharges += 1;
      for (const line of daily.lines.filter((charged) => charged.billable)) {
        const key = `${payerId}|${line.code}`;
        const total = charges.get(key) ?? { payer: payerId, code: line.code, units: 0, amountCents: 0 };
        charges.set(key, { ...total, units: total.units + line.units, amountCents: total.amountCents + line.amountCents });
      }
    }
  }

  const kinds = [...new Set(episodes.map((episode) => episode.kind.name))].sort();
  return {
    plan: run.options.plan.name,
    seed: run.options.seed,
    episodes: episodes.length,
    endDate: run.endDate,
    status: count(episodes.map((episode) => (episode.state.status === 'none' ? 'refused' : episode.state.status))),
    dischargeReasons: count(events.flatMap((event) => (event.type === 'EpisodeDischarged' ? [event.reason] : []))),
    waitsDays: seen.map(waitOf),
    waitMedianDays: percentile(seen.map(waitOf), 0.5),
    waitP90Days: percentile(seen.map(waitOf), 0.9),
    neverSeen: episodes.length - seen.length,
    offersMade: typeCount['TherapistOffered'] ?? 0,
    offersExpired: typeCount['OfferExpired'] ?? 0,
    offersDeclined: typeCount['OfferDeclined'] ?? 0,
    escalations: typeCount['RoutingEscalated'] ?? 0,
    referralsDeclined: typeCount['ReferralDeclined'] ?? 0,
    findings: Object.fromEntries(complianceFindings.map((finding) => [finding, typeCount[finding] ?? 0])),
    refusals: count(
      episodes.flatMap((episode) => episode.trace.flatMap((entry) => ('refused' in entry.outcome ? [entry.outcome.refused] : []))),
    ),
    visits: typeCount['SessionRecorded'] ?? 0,
    noShows: typeCount['NoShowRecorded'] ?? 0,
    billedUnits,
    chargesCents,
    heldCharges,
    flaggedCharges,
    billingRefusals: count(billingRefusals),
    charges: [...charges.values()].sort((a, b) => a.payer.localeCompare(b.payer) || a.code.localeCompare(b.code)),
    caseloads: run.caseloads,
    waitsByKind: Object.fromEntries(
      kinds.map((kind) => [kind, percentile(seen.filter((episode) => episode.kind.name === kind).map(waitOf), 0.5)]),
    ),
  };
};
