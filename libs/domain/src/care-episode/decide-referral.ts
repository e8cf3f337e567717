/** Referral, routing and offers (docs/clinical-rules.md §2–3). */
import { addDays, hoursBetween, type IsoInstant } from '../calendar';
import { DomainError } from '../errors';
import { nextRoutingStep, rankTherapists, routingOfferDeadline, type RoutingStep } from '../routing';
import { maxCertifiedPeriodDays, withCanonicalCredential } from '../rules/certification';
import { normalizeIcd10Cm, referralRefusal, referralValidThrough } from '../rules/referral';
import type { DepartmentSettings } from '../settings';
import { firstRefusal, type Decision, type Handler } from './decision';
import type { CareEpisodeEvent, ReferringProviderNoticeIssued } from './events';
import { localToday, present, stamp, started } from './guards';
import type { Actor, Referral } from './records';
import { offerInWaiting, pendingOffer, type CareEpisodeState, type OfferRecord, type ReferredEpisode, type RoutingState } from './state';

type Stamped = { readonly at: IsoInstant; readonly actor: Actor };

export const referralNotice = (
  command: Stamped,
  referral: Referral,
  notice: ReferringProviderNoticeIssued['notice'],
  reportId?: string,
): ReferringProviderNoticeIssued => ({
  type: 'ReferringProviderNoticeIssued',
  ...stamp(command),
  notice,
  referralId: referral.referralId,
  referringProviderNpi: referral.referringProvider.npi,
  ...present('reportId', reportId),
});

const stepEvents = (step: RoutingStep, command: Stamped, settings: DepartmentSettings): CareEpisodeEvent[] =>
  step.kind === 'offer'
    ? [
        {
          type: 'TherapistOffered',
          ...stamp(command),
          therapistId: step.therapistId,
          expiresAt: routingOfferDeadline(command.at, settings.routing),
          byLead: false,
        },
      ]
    : [{ type: 'RoutingEscalated', ...stamp(command), reason: step.reason }];

/** After a decline or a lapsed offer: the next candidate, or the department lead. */
export const nextStepEvents = (routing: RoutingState, command: Stamped, settings: DepartmentSettings): CareEpisodeEvent[] => {
  const attempted = routing.offers.map((offer) => offer.therapistId);
  return stepEvents(nextRoutingStep(routing.decision, attempted, settings.routing), command, settings);
};

const awaitingTherapist = (state: CareEpisodeState): ReferredEpisode | DomainError => {
  const episode = started(state);
  return episode instanceof DomainError || episode.status === 'planned' || episode.status === 'waitlist'
    ? episode
    : new DomainError('OUT_OF_ORDER', 'A therapist has already accepted this referral.');
};

/** The pending offer to this therapist, answerable until it lapses, with the episode it belongs to. */
const answerableOffer = (
  state: CareEpisodeState,
  command: { therapistId: string; at: IsoInstant },
): { readonly episode: ReferredEpisode; readonly offer: OfferRecord; readonly routing: RoutingState } | DomainError => {
  const episode = awaitingTherapist(state);
  if (episode instanceof DomainError) return episode;
  const waiting = offerInWaiting(episode);
  if (waiting === undefined) return new DomainError('OFFER_NOT_PENDING', 'No offer is waiting for an answer.');
  const { offer, routing } = waiting;
  if (offer.therapistId !== command.therapistId) {
    return new DomainError('NOT_OFFERED_THERAPIST', 'The referral is offered to another therapist.');
  }
  if (hoursBetween(offer.expiresAt, command.at) > 0) {
    return new DomainError('OFFER_NOT_PENDING', 'The offer lapsed before it was answered; it goes to the next candidate.');
  }
  return { episode, offer, routing };
};

/** The order as the episode keeps it: canonical diagnosis codes (each once) and credential. */
const canonicalReferral = (referral: Referral): Referral => ({
  ...referral,
  referringProvider: withCanonicalCredential(referral.referringProvider),
  diagnosisCodes: [...new Set(referral.diagnosisCodes.map(normalizeIcd10Cm))],
});

export const receiveReferral: Handler<'ReceiveReferral'> = (command, state, settings) => {
  if (state.referral !== undefined) {
    // The same referral submitted again is the same episode: nothing new happens.
    return state.referral.referralId === command.referral.referralId
      ? []
      : new DomainError('EPISODE_ALREADY_STARTED', 'This episode already holds another referral.');
  }
  const referral = canonicalReferral(command.referral);
  const refusal = referralRefusal(
    { referringProviderNpi: referral.referringProvider.npi, diagnosisCodes: referral.diagnosisCodes, referralDate: referral.referralDate },
    localToday(command.at, settings),
    settings,
  );
  if (refusal) return refusal;
  return [
    {
      type: 'ReferralReceived',
      ...stamp(command),
      episodeId: command.episodeId,
      referral,
      validThrough: referralValidThrough(referral.referralDate, settings),
    },
  ];
};

export const routeReferral: Handler<'RouteReferral'> = (command, state, settings) => {
  const episode = awaitingTherapist(state);
  if (episode instanceof DomainError) return episode;
  const refusal = firstRefusal(
    () =>
      pendingOffer(state) !== undefined
        ? new DomainError('OUT_OF_ORDER', 'An offer is waiting for an answer; route again only after it is answered or escalated.')
        : undefined,
    () =>
      state.status === 'waitlist' && state.routing?.escalated !== true
        ? new DomainError('OUT_OF_ORDER', 'The referral is already routed; it can be routed again after an escalation.')
        : undefined,
  );
  if (refusal) return refusal;
  const { referral } = episode;
  const request = {
    patientState: referral.patient.stateOfResidence,
    referralDate: referral.referralDate,
    expectedPlanEnd: command.expectedPlanEnd ?? addDays(localToday(command.at, settings), maxCertifiedPeriodDays - 1),
    diagnosisCodes: referral.diagnosisCodes,
    cancerHistory: referral.cancerHistory ?? false,
    previousTherapistIds: command.previousTherapistIds,
  };
  const decision = rankTherapists(request, command.therapists, settings.routing);
  return [
    { type: 'ReferralRouted', ...stamp(command), request, decision },
    ...stepEvents(nextRoutingStep(decision, [], settings.routing), command, settings),
  ];
};

export const offerToTherapist: Handler<'OfferToTherapist'> = (command, state, settings) => {
  const episode = awaitingTherapist(state);
  if (episode instanceof DomainError) return episode;
  const refusal = firstRefusal(
    () =>
      state.routing === undefined ? new DomainError('OUT_OF_ORDER', 'Route the referral before offering it to a therapist.') : undefined,
    () => (pendingOffer(state) === undefined ? undefined : new DomainError('OUT_OF_ORDER', 'An offer is already waiting for an answer.')),
  );
  if (refusal) return refusal;
  return [
    {
      type: 'TherapistOffered',
      ...stamp(command),
      therapistId: command.therapistId,
      expiresAt: routingOfferDeadline(command.at, settings.routing),
      byLead: true,
    },
  ];
};

export const acceptOffer: Handler<'AcceptOffer'> = (command, state) => {
  const answerable = answerableOffer(state, command);
  if (answerable instanceof DomainError) return answerable;
  return [
    { type: 'OfferAccepted', ...stamp(command), therapistId: answerable.offer.therapistId },
    referralNotice(command, answerable.episode.referral, 'referral-accepted'),
  ];
};

export const declineOffer: Handler<'DeclineOffer'> = (command, state, settings): Decision => {
  const answerable = answerableOffer(state, command);
  if (answerable instanceof DomainError) return answerable;
  return [
    { type: 'OfferDeclined', ...stamp(command), therapistId: answerable.offer.therapistId, ...present('reason', command.reason) },
    ...nextStepEvents(answerable.routing, command, settings),
  ];
};

export const escalateReferral: Handler<'EscalateReferral'> = (command, state) => {
  const episode = awaitingTherapist(state);
  if (episode instanceof DomainError) return episode;
  return [{ type: 'RoutingEscalated', ...stamp(command), reason: 'requested', note: command.reason }];
};

export const declineReferral: Handler<'DeclineReferral'> = (command, state) => {
  const episode = awaitingTherapist(state);
  if (episode instanceof DomainError) return episode;
  return [
    { type: 'ReferralDeclined', ...stamp(command), reason: command.reason },
    referralNotice(command, episode.referral, 'referral-declined'),
  ];
};
