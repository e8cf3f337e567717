/**
 * Billing's fold of the integration events (docs/billing.md): visits in, charge sets per day, year-to-date
 * totals per patient key, payer and year, and the claim per episode and payer out, each change with its
 * message for careflow.billing-charges.v1 in the same transaction. Reads only integration events, which
 * carry no note text and no patient identifier.
 */
import type { TransactionSql } from 'postgres';
import {
  buildClaim,
  claimNeedsReplacement,
  isDomainError,
  mergeSessionLines,
  standingAfterCertification,
  type SessionLine,
} from '@careflow/domain';
import { billingEventMessage, type ChargeSetChanged, type ClaimIssued } from '@careflow/contracts';
import type { ConsumedEpisodeEvent } from '@careflow/messaging';
import {
  chargeSetChanged,
  chargeSetOf,
  isClaimable,
  payerVisits,
  renderingTherapist,
  unrecordedProviderType,
  type VisitLine,
} from './charges';
import {
  addVisit,
  currentClaim,
  enqueueMessage,
  loadCharges,
  loadDay,
  loadEpisode,
  loadVisits,
  recordChargeSet,
  saveClaim,
  saveReferral,
  updateEpisode,
  updateVisit,
  type BillingEpisode,
} from './ledger';

/** Raised when an event cannot be billed as it stands (retried, then dead-lettered); names ids and codes only. */
export class BillingError extends Error {
  override readonly name = 'BillingError';
}

const noReferral = (episodeId: string): BillingError =>
  new BillingError(`Episode ${episodeId} has no referral in billing: its ReferralReceived was not consumed.`);

const episodeOf = async (tx: TransactionSql, episodeId: string): Promise<BillingEpisode> => {
  const episode = await loadEpisode(tx, episodeId);
  if (!episode) throw noReferral(episodeId);
  return episode;
};

const sessionLines = (lines: readonly SessionLine[]): VisitLine[] =>
  lines.map((line) => ({ code: line.code, minutes: line.minutes, bodyRegions: [...line.bodyRegions] }));

/**
 * Recomputes one day's charges. A day keeps the year-to-date figure it was first charged with, so a
 * correction is priced in its place in the billing order; the year's total moves by the difference.
 * Returns the episode and whether the charge set changed (a new version, published).
 */
const chargeDay = async (
  tx: TransactionSql,
  episodeId: string,
  serviceDate: string,
  time: string,
): Promise<{ episode: BillingEpisode; changed: boolean }> => {
  const day = await loadDay(tx, episodeId, serviceDate);
  if (!day) throw noReferral(episodeId);
  const { episode, previous } = day;
  const visits = payerVisits(day.visits);
  if (visits.length === 0 && previous === undefined) return { episode, changed: false };
  const therapistId = renderingTherapist(visits);
  const charges = chargeSetOf({
    serviceDate,
    visits,
    providerType: (therapistId === undefined ? undefined : day.providerTypes[therapistId]) ?? unrecordedProviderType,
    payer: day.payer,
    yearToDateBeforeCents: previous?.yearToDateBeforeCents ?? day.yearToDate.chargesCents,
  });
  if (!chargeSetChanged(previous, charges)) return { episode, changed: false };
  const version = (previous?.version ?? 0) + 1;
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
  await recordChargeSet(tx, {
    episode,
    serviceDate,
    version,
    charges,
    deltaCents: charges.amountCents - (previous?.amountCents ?? 0),
    message: billingEventMessage({ type: 'ChargeSetChanged', data }, time),
  });
  return { episode, changed: true };
};

/**
 * The episode's claim with its payer, once it is discharged: every claimable day (notes signed, not
 * held, charged) through the domain's buildClaim. A claim already issued is replaced (frequency 7) only
 * when the claim built now bills something differently.
 */
const issueClaim = async (tx: TransactionSql, episode: BillingEpisode, time: string): Promise<void> => {
  const days = (await loadCharges(tx, episode.episodeId)).filter(isClaimable);
  if (days.length === 0) return;
  const current = await currentClaim(tx, episode.episodeId, episode.payerId);
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
  await saveClaim(tx, episode, claim, version, originalClaimId);
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
  await enqueueMessage(tx, billingEventMessage({ type: 'ClaimIssued', data }, time));
};

/** Recharges the days, then, for a discharged episode whose charges changed, its claim. */
const chargeDays = async (tx: TransactionSql, episodeId: string, days: readonly (string | undefined)[], time: string): Promise<void> => {
  let discharged: BillingEpisode | undefined;
  let changed = false;
  for (const day of [...new Set(days.filter((date) => date !== undefined))].sort()) {
    const result = await chargeDay(tx, episodeId, day, time);
    discharged = result.episode.dischargedOn === undefined ? undefined : result.episode;
    changed = result.changed || changed;
  }
  if (changed && discharged !== undefined) await issueClaim(tx, discharged, time);
};

/**
 * The consumer's apply (libs/messaging): runs in the transaction that records the event as processed,
 * so a redelivered event changes nothing and each session has exactly one current charge set.
 */
export const applyBillingEvent = async (tx: TransactionSql, event: ConsumedEpisodeEvent): Promise<void> => {
  const { episodeId, occurredAt } = event.data;
  switch (event.type) {
    case 'ReferralReceived':
      await saveReferral(tx, {
        episodeId,
        patientKey: event.data.patientKey,
        payerId: event.data.payerId,
        departmentId: event.data.departmentId,
        diagnosisCodes: event.data.diagnosisCodes,
      });
      return;
    case 'OfferAccepted':
      await updateEpisode(tx, episodeId, { therapistId: event.data.therapistId });
      return;
    case 'PlanOfCareEstablished':
      await updateEpisode(tx, episodeId, { underPlanOfCare: true });
      return;
    case 'AssessmentRecorded': {
      if (event.data.evaluationCode === undefined) return;
      const episode = await episodeOf(tx, episodeId);
      // The evaluation is what the plan comes from: it needs no certified plan.
      await addVisit(tx, episodeId, {
        visitId: `evaluation-${event.data.assessedOn}`,
        kind: 'evaluation',
        serviceDate: event.data.assessedOn,
        therapistId: episode.therapistId,
        lines: [{ code: event.data.evaluationCode, minutes: 0, bodyRegions: [] }],
        selfPay: false,
        signed: true,
        certificationStanding: 'certified',
      });
      await chargeDays(tx, episodeId, [event.data.assessedOn], occurredAt);
      return;
    }
    case 'ReevaluationRecorded': {
      if (!event.data.billAsReevaluation) return;
      const episode = await episodeOf(tx, episodeId);
      await addVisit(tx, episodeId, {
        visitId: `re-evaluation-${event.data.reevaluationId}`,
        kind: 're-evaluation',
        serviceDate: event.data.reevaluatedOn,
        therapistId: episode.therapistId,
        lines: [{ code: '97164', minutes: 0, bodyRegions: [] }],
        selfPay: false,
        signed: true,
        certificationStanding: 'certified',
      });
      await chargeDays(tx, episodeId, [event.data.reevaluatedOn], occurredAt);
      return;
    }
    case 'SessionRecorded':
      await addVisit(tx, episodeId, {
        visitId: event.data.sessionId,
        kind: 'session',
        serviceDate: event.data.date,
        therapistId: event.data.therapistId,
        lines: sessionLines(event.data.lines),
        selfPay: event.data.selfPay,
        signed: false,
        certificationStanding: event.data.certificationStanding,
      });
      await chargeDays(tx, episodeId, [event.data.date], occurredAt);
      return;
    case 'SessionResumed': {
      const [visit] = await loadVisits(tx, episodeId, event.data.sessionId);
      if (!visit) return;
      // The continuation's minutes add to the session's, as the episode merges them.
      const lines = mergeSessionLines(visit.lines as SessionLine[], event.data.lines as SessionLine[]);
      await updateVisit(tx, episodeId, visit.visitId, { lines: sessionLines(lines) });
      await chargeDays(tx, episodeId, [visit.serviceDate], occurredAt);
      return;
    }
    case 'AddendumAdded': {
      if (event.data.correctedLines === undefined) return;
      const day = await updateVisit(tx, episodeId, event.data.sessionId, { lines: sessionLines(event.data.correctedLines) });
      await chargeDays(tx, episodeId, [day], occurredAt);
      return;
    }
    case 'NoteSigned':
      await chargeDays(tx, episodeId, [await updateVisit(tx, episodeId, event.data.sessionId, { signed: true })], occurredAt);
      return;
    case 'PlanOfCareCertified': {
      const changed = (await loadVisits(tx, episodeId)).flatMap((visit) => {
        const standing = standingAfterCertification(visit.certificationStanding, event.data.timely);
        return standing === visit.certificationStanding ? [] : [{ visit, standing }];
      });
      for (const { visit, standing } of changed) await updateVisit(tx, episodeId, visit.visitId, { certificationStanding: standing });
      await chargeDays(
        tx,
        episodeId,
        changed.map(({ visit }) => visit.serviceDate),
        occurredAt,
      );
      return;
    }
    case 'SessionsCertificationDelinquent': {
      const delinquent = (await loadVisits(tx, episodeId)).filter((visit) => event.data.sessionIds.includes(visit.visitId));
      for (const visit of delinquent) await updateVisit(tx, episodeId, visit.visitId, { certificationStanding: 'delinquent' });
      await chargeDays(
        tx,
        episodeId,
        delinquent.map((visit) => visit.serviceDate),
        occurredAt,
      );
      return;
    }
    case 'EpisodeDischarged': {
      await updateEpisode(tx, episodeId, { dischargedOn: event.data.dischargedOn });
      await issueClaim(tx, await episodeOf(tx, episodeId), occurredAt);
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
