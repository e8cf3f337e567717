/**
 * Billing's fold of the integration events (docs/billing.md), in memory: the state of the episodes a run
 * of events touches is loaded once (ledger.ts), every event is folded in order, and what changed is
 * written back once. No IO here: the rules are the domain's (through charges.ts), this module decides
 * which facts each event changes and records every new charge-set and claim version with its message.
 */
import {
  buildClaim,
  claimNeedsReplacement,
  defaultPayerSettings,
  evaluationCertificationStanding,
  isDomainError,
  mergeSessionLines,
  reevaluationCode,
  standingAfterCertification,
  type Claim,
  type PayerSettings,
  type ProviderType,
  type SessionLine,
} from '@careflow/domain';
import { billingEventMessage, type ChargeSetChanged, type ClaimIssued, type KafkaMessage } from '@careflow/contracts';
import type { ConsumedEpisodeEvent } from '@careflow/messaging';
import {
  chargeSetChanged,
  chargeSetOf,
  isClaimable,
  payerVisits,
  renderingTherapist,
  unrecordedProviderType,
  type BillingVisit,
  type ChargeSet,
  type VisitLine,
} from './charges';

/** What billing keeps of an episode: who pays, for whom (the patient key), for what diagnoses. */
export interface BillingEpisode {
  readonly episodeId: string;
  readonly patientKey: string;
  readonly payerId: string;
  readonly departmentId: string | undefined;
  readonly diagnosisCodes: readonly string[];
  readonly therapistId: string | undefined;
  readonly underPlanOfCare: boolean;
  readonly dischargedOn: string | undefined;
}

export interface StoredChargeSet extends ChargeSet {
  readonly episodeId: string;
  readonly serviceDate: string;
  readonly version: number;
}

export interface StoredClaim extends Pick<Claim, 'claimId' | 'diagnosisCodes' | 'lines' | 'totalChargeCents'> {
  readonly episodeId: string;
  readonly payerId: string;
  readonly version: number;
  readonly originalClaimId: string;
}

export interface NewClaim {
  readonly episode: BillingEpisode;
  readonly claim: Claim;
  readonly version: number;
  readonly originalClaimId: string;
}

/** The patient's year with a payer, across episodes; the crossing fields name the day that crossed. */
export interface YearToDate {
  readonly patientKey: string;
  readonly payerId: string;
  readonly year: number;
  readonly chargesCents: number;
  readonly kxCrossed: boolean;
  readonly kxCrossedEpisodeId: string | undefined;
  readonly kxCrossedOn: string | undefined;
  readonly reviewCrossed: boolean;
  readonly reviewCrossedEpisodeId: string | undefined;
  readonly reviewCrossedOn: string | undefined;
}

/** The loaded state of a run's episodes and what folding the run changed in it. */
export interface Ledger {
  readonly episodes: Map<string, BillingEpisode>;
  /** Per episode, its visits by id. */
  readonly visits: Map<string, Map<string, BillingVisit>>;
  /** By `chargeKey`. */
  readonly charges: Map<string, StoredChargeSet>;
  /** The current claim per episode. */
  readonly claims: Map<string, StoredClaim>;
  /** By `yearKey`; every year a run may charge is loaded (and locked) before the fold. */
  readonly yearsToDate: Map<string, YearToDate>;
  readonly payers: ReadonlyMap<string, PayerSettings>;
  readonly providerTypes: ReadonlyMap<string, ProviderType | null>;
  readonly changed: {
    readonly episodes: Set<string>;
    /** `episodeId|visitId`. */
    readonly visits: Set<string>;
    readonly charges: Set<string>;
    readonly yearsToDate: Set<string>;
    readonly claims: NewClaim[];
    /** In the order they were made: each episode's messages keep their order. */
    readonly messages: KafkaMessage[];
  };
}

export const chargeKey = (episodeId: string, serviceDate: string): string => `${episodeId}|${serviceDate}`;
export const yearKey = (patientKey: string, payerId: string, year: number): string => `${patientKey}|${payerId}|${year}`;
export const yearOfDate = (isoDate: string): number => Number(isoDate.slice(0, 4));

export const emptyLedger = (
  loaded: Partial<Pick<Ledger, 'episodes' | 'visits' | 'charges' | 'claims' | 'yearsToDate' | 'payers' | 'providerTypes'>> = {},
): Ledger => ({
  episodes: loaded.episodes ?? new Map(),
  visits: loaded.visits ?? new Map(),
  charges: loaded.charges ?? new Map(),
  claims: loaded.claims ?? new Map(),
  yearsToDate: loaded.yearsToDate ?? new Map(),
  payers: loaded.payers ?? new Map(),
  providerTypes: loaded.providerTypes ?? new Map(),
  changed: { episodes: new Set(), visits: new Set(), charges: new Set(), yearsToDate: new Set(), claims: [], messages: [] },
});

/** Raised when an event cannot be billed as it stands (retried, then dead-lettered); names ids and codes only. */
export class BillingError extends Error {
  override readonly name = 'BillingError';
}

const noReferral = (episodeId: string): BillingError =>
  new BillingError(`Episode ${episodeId} has no referral in billing: its ReferralReceived was not consumed.`);

const episodeOf = (ledger: Ledger, episodeId: string): BillingEpisode => {
  const episode = ledger.episodes.get(episodeId);
  if (!episode) throw noReferral(episodeId);
  return episode;
};

const setEpisode = (ledger: Ledger, episode: BillingEpisode): void => {
  ledger.episodes.set(episode.episodeId, episode);
  ledger.changed.episodes.add(episode.episodeId);
};

const visitsOf = (ledger: Ledger, episodeId: string): Map<string, BillingVisit> => {
  const visits = ledger.visits.get(episodeId) ?? new Map<string, BillingVisit>();
  ledger.visits.set(episodeId, visits);
  return visits;
};

const setVisit = (ledger: Ledger, episodeId: string, visit: BillingVisit): void => {
  visitsOf(ledger, episodeId).set(visit.visitId, visit);
  ledger.changed.visits.add(`${episodeId}|${visit.visitId}`);
};

const sessionLines = (lines: readonly SessionLine[]): VisitLine[] =>
  lines.map((line) => ({ code: line.code, minutes: line.minutes, bodyRegions: [...line.bodyRegions] }));

/** Evaluations first, then by id: a day's first visit (its rendering therapist) does not depend on arrival. */
const dayVisits = (ledger: Ledger, episodeId: string, serviceDate: string): BillingVisit[] =>
  [...visitsOf(ledger, episodeId).values()]
    .filter((visit) => visit.serviceDate === serviceDate)
    .sort(
      (a, b) => Number(a.kind === 'session') - Number(b.kind === 'session') || (a.visitId < b.visitId ? -1 : a.visitId > b.visitId ? 1 : 0),
    );

/**
 * Recomputes one day's charges. A day keeps the year-to-date figure it was first charged with, so a
 * correction is priced in its place in the billing order; the year's total moves by the difference.
 * Returns whether the charge set changed (a new version with its message).
 */
const chargeDay = (ledger: Ledger, episodeId: string, serviceDate: string, time: string): boolean => {
  const episode = episodeOf(ledger, episodeId);
  const key = chargeKey(episodeId, serviceDate);
  const previous = ledger.charges.get(key);
  const visits = payerVisits(dayVisits(ledger, episodeId, serviceDate));
  if (visits.length === 0 && previous === undefined) return false;
  const ytdKey = yearKey(episode.patientKey, episode.payerId, yearOfDate(serviceDate));
  const yearToDate = ledger.yearsToDate.get(ytdKey);
  if (!yearToDate) throw new BillingError(`The year to date of episode ${episodeId} for ${serviceDate.slice(0, 4)} was not loaded.`);
  const therapistId = renderingTherapist(visits);
  const charges = chargeSetOf({
    serviceDate,
    visits,
    providerType: (therapistId === undefined ? undefined : ledger.providerTypes.get(therapistId)) ?? unrecordedProviderType,
    payer: ledger.payers.get(episode.payerId) ?? defaultPayerSettings,
    yearToDateBeforeCents: previous?.yearToDateBeforeCents ?? yearToDate.chargesCents,
  });
  if (!chargeSetChanged(previous, charges)) return false;
  const version = (previous?.version ?? 0) + 1;
  ledger.charges.set(key, { ...charges, episodeId, serviceDate, version });
  ledger.changed.charges.add(key);
  const kxNow = charges.kxCrossed && !yearToDate.kxCrossed;
  const reviewNow = charges.reviewCrossed && !yearToDate.reviewCrossed;
  ledger.yearsToDate.set(ytdKey, {
    ...yearToDate,
    chargesCents: yearToDate.chargesCents + charges.amountCents - (previous?.amountCents ?? 0),
    ...(kxNow ? { kxCrossed: true, kxCrossedEpisodeId: episodeId, kxCrossedOn: serviceDate } : {}),
    ...(reviewNow ? { reviewCrossed: true, reviewCrossedEpisodeId: episodeId, reviewCrossedOn: serviceDate } : {}),
  });
  ledger.changed.yearsToDate.add(ytdKey);
  const data: ChargeSetChanged = {
    episodeId,
    patientKey: episode.patientKey,
    payerId: episode.payerId,
    ...(episode.departmentId === undefined ? {} : { departmentId: episode.departmentId }),
    serviceDate,
    version,
    ...(charges.therapistId === undefined ? {} : { therapistId: charges.therapistId }),
    providerType: charges.providerType,
    lines: charges.lines.map((line) => ({ ...line, bodyRegions: [...line.bodyRegions] })),
    billedUnits: charges.billedUnits,
    amountCents: charges.amountCents,
    yearToDateBeforeCents: charges.yearToDateBeforeCents,
    certificationStanding: charges.certificationStanding,
    held: charges.held,
    flagged: charges.flagged,
    notesSigned: charges.notesSigned,
    kxCrossed: charges.kxCrossed,
    reviewCrossed: charges.reviewCrossed,
    ...(charges.problem === undefined ? {} : { problem: charges.problem }),
  };
  ledger.changed.messages.push(billingEventMessage({ type: 'ChargeSetChanged', data }, time));
  return true;
};

/**
 * The episode's claim with its payer, once it is discharged: every claimable day (notes signed, not
 * held, charged) through the domain's buildClaim. A claim already issued is replaced (frequency 7) only
 * when the claim built now bills something differently.
 */
const issueClaim = (ledger: Ledger, episode: BillingEpisode, time: string): void => {
  const days = [...ledger.charges.values()]
    .filter((day) => day.episodeId === episode.episodeId && isClaimable(day))
    .sort((a, b) => (a.serviceDate < b.serviceDate ? -1 : 1));
  if (days.length === 0) return;
  const current = ledger.claims.get(episode.episodeId);
  const version = (current?.version ?? 0) + 1;
  const claim = buildClaim({
    claimId: `${episode.episodeId}-${version}`,
    diagnosisCodes: episode.diagnosisCodes,
    days: days.map((day) => ({ ...day, lines: [...day.lines] })),
    ...(current === undefined ? {} : { replacesClaimId: current.claimId }),
  });
  if (isDomainError(claim)) throw new BillingError(`The claim of episode ${episode.episodeId} cannot be built: ${claim.code}.`);
  if (current !== undefined && !claimNeedsReplacement(current, claim)) return;
  const originalClaimId = current?.originalClaimId ?? claim.claimId;
  ledger.claims.set(episode.episodeId, { ...claim, episodeId: episode.episodeId, payerId: episode.payerId, version, originalClaimId });
  ledger.changed.claims.push({ episode, claim, version, originalClaimId });
  const data: ClaimIssued = {
    episodeId: episode.episodeId,
    patientKey: episode.patientKey,
    payerId: episode.payerId,
    ...(episode.departmentId === undefined ? {} : { departmentId: episode.departmentId }),
    claimId: claim.claimId,
    version,
    frequencyCode: claim.frequencyCode,
    ...(claim.replacesClaimId === undefined ? {} : { replacesClaimId: claim.replacesClaimId }),
    originalClaimId,
    diagnosisCodes: claim.diagnosisCodes,
    lines: claim.lines,
    totalChargeCents: claim.totalChargeCents,
  };
  ledger.changed.messages.push(billingEventMessage({ type: 'ClaimIssued', data }, time));
};

/** Recharges the days, then, for a discharged episode whose charges changed, its claim. */
const chargeDays = (ledger: Ledger, episodeId: string, days: readonly string[], time: string): void => {
  let changed = false;
  for (const day of [...new Set(days)].sort()) changed = chargeDay(ledger, episodeId, day, time) || changed;
  const episode = ledger.episodes.get(episodeId);
  if (changed && episode?.dischargedOn !== undefined) issueClaim(ledger, episode, time);
};

const addVisit = (ledger: Ledger, episodeId: string, visit: BillingVisit, time: string): void => {
  // A visit recorded again (an event replayed outside the framework) changes nothing: the first recording stands.
  if (!visitsOf(ledger, episodeId).has(visit.visitId)) setVisit(ledger, episodeId, visit);
  chargeDays(ledger, episodeId, [visit.serviceDate], time);
};

const changeVisit = (
  ledger: Ledger,
  episodeId: string,
  visitId: string,
  change: (visit: BillingVisit) => BillingVisit,
  time: string,
): void => {
  const visit = visitsOf(ledger, episodeId).get(visitId);
  if (!visit) return;
  setVisit(ledger, episodeId, change(visit));
  chargeDays(ledger, episodeId, [visit.serviceDate], time);
};

/** The dates an event may charge, before the fold: the ledger loads (and locks) the patient's years for them. */
export const datesOf = (event: ConsumedEpisodeEvent): string[] => {
  switch (event.type) {
    case 'AssessmentRecorded':
      return [event.data.assessedOn];
    case 'ReevaluationRecorded':
      return [event.data.reevaluatedOn];
    case 'SessionRecorded':
      return [event.data.date];
    default:
      return [];
  }
};

/** The therapists whose provider type an event may need. */
export const therapistsOf = (event: ConsumedEpisodeEvent): string[] =>
  event.type === 'SessionRecorded' || event.type === 'OfferAccepted' ? [event.data.therapistId] : [];

/**
 * Folds one integration event into the ledger. The consumer framework applies it in the transaction that
 * records the event as processed, so a redelivered event is never folded twice.
 */
export const foldBillingEvent = (ledger: Ledger, event: ConsumedEpisodeEvent): void => {
  const { episodeId, occurredAt: time } = event.data;
  switch (event.type) {
    case 'ReferralReceived': {
      const known = ledger.episodes.get(episodeId);
      setEpisode(ledger, {
        episodeId,
        patientKey: event.data.patientKey,
        payerId: event.data.payerId,
        departmentId: event.data.departmentId,
        diagnosisCodes: event.data.diagnosisCodes,
        therapistId: known?.therapistId,
        underPlanOfCare: known?.underPlanOfCare ?? false,
        dischargedOn: known?.dischargedOn,
      });
      return;
    }
    case 'OfferAccepted': {
      const episode = ledger.episodes.get(episodeId);
      if (episode) setEpisode(ledger, { ...episode, therapistId: event.data.therapistId });
      return;
    }
    case 'PlanOfCareEstablished': {
      const episode = ledger.episodes.get(episodeId);
      if (episode) setEpisode(ledger, { ...episode, underPlanOfCare: true });
      return;
    }
    case 'AssessmentRecorded': {
      if (event.data.evaluationCode === undefined) return;
      const visit: BillingVisit = {
        visitId: `evaluation-${event.data.assessedOn}`,
        kind: 'evaluation',
        serviceDate: event.data.assessedOn,
        therapistId: episodeOf(ledger, episodeId).therapistId,
        lines: [{ code: event.data.evaluationCode, minutes: 0, bodyRegions: [] }],
        selfPay: false,
        signed: true,
        certificationStanding: evaluationCertificationStanding,
      };
      addVisit(ledger, episodeId, visit, time);
      return;
    }
    case 'ReevaluationRecorded': {
      if (!event.data.billAsReevaluation) return;
      const visit: BillingVisit = {
        visitId: `re-evaluation-${event.data.reevaluationId}`,
        kind: 're-evaluation',
        serviceDate: event.data.reevaluatedOn,
        therapistId: episodeOf(ledger, episodeId).therapistId,
        lines: [{ code: reevaluationCode, minutes: 0, bodyRegions: [] }],
        selfPay: false,
        signed: true,
        certificationStanding: evaluationCertificationStanding,
      };
      addVisit(ledger, episodeId, visit, time);
      return;
    }
    case 'SessionRecorded':
      addVisit(
        ledger,
        episodeId,
        {
          visitId: event.data.sessionId,
          kind: 'session',
          serviceDate: event.data.date,
          therapistId: event.data.therapistId,
          lines: sessionLines(event.data.lines),
          selfPay: event.data.selfPay,
          signed: false,
          certificationStanding: event.data.certificationStanding,
        },
        time,
      );
      return;
    case 'SessionResumed': {
      // The continuation's minutes add to the session's, as the episode merges them.
      const added = event.data.lines;
      changeVisit(
        ledger,
        episodeId,
        event.data.sessionId,
        (visit) => ({ ...visit, lines: sessionLines(mergeSessionLines(visit.lines as SessionLine[], added as SessionLine[])) }),
        time,
      );
      return;
    }
    case 'AddendumAdded': {
      const corrected = event.data.correctedLines;
      if (corrected === undefined) return;
      changeVisit(ledger, episodeId, event.data.sessionId, (visit) => ({ ...visit, lines: sessionLines(corrected) }), time);
      return;
    }
    case 'NoteSigned':
      changeVisit(ledger, episodeId, event.data.sessionId, (visit) => ({ ...visit, signed: true }), time);
      return;
    case 'PlanOfCareCertified': {
      const { timely } = event.data;
      const changed = [...visitsOf(ledger, episodeId).values()].flatMap((visit) => {
        const standing = standingAfterCertification(visit.certificationStanding, timely);
        return standing === visit.certificationStanding ? [] : [{ ...visit, certificationStanding: standing }];
      });
      for (const visit of changed) setVisit(ledger, episodeId, visit);
      chargeDays(
        ledger,
        episodeId,
        changed.map((visit) => visit.serviceDate),
        time,
      );
      return;
    }
    case 'SessionsCertificationDelinquent': {
      const delinquent = event.data.sessionIds.flatMap((sessionId) => {
        const visit = visitsOf(ledger, episodeId).get(sessionId);
        return visit ? [{ ...visit, certificationStanding: 'delinquent' as const }] : [];
      });
      for (const visit of delinquent) setVisit(ledger, episodeId, visit);
      chargeDays(
        ledger,
        episodeId,
        delinquent.map((visit) => visit.serviceDate),
        time,
      );
      return;
    }
    case 'EpisodeDischarged': {
      const episode = { ...episodeOf(ledger, episodeId), dischargedOn: event.data.dischargedOn };
      setEpisode(ledger, episode);
      issueClaim(ledger, episode, time);
      return;
    }
    // A cancelled visit or a no-show was never delivered: nothing to bill (a recorded session cannot be cancelled).
    case 'SessionCancelled':
    case 'NoShowRecorded':
      return;
    default:
      return;
  }
};
