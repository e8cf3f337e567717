/** Renewed physician's orders and new or extended payer authorizations (docs/clinical-rules.md §2, §7). */
import { DomainError } from '../errors';
import { authorizationChangeRefusal, extendedAuthorization } from '../rules/authorization';
import { signingPractitionerRefusal, withCanonicalCredential } from '../rules/certification';
import { referralAgeRefusal, referralValidThrough } from '../rules/referral';
import { referralNotice } from './decide-referral';
import { firstRefusal, type Handler } from './decision';
import { localToday, notAfterToday, notBefore, present, stamp, started } from './guards';
import { authorizedVisitsUsed } from './state';

/**
 * A renewal is dated no later than today and no earlier than the order it renews, and is itself
 * still within its validity; the referring provider of the episode is told.
 */
export const renewOrder: Handler<'RenewOrder'> = (command, state, settings) => {
  const episode = started(state);
  if (episode instanceof DomainError) return episode;
  const refusal = firstRefusal(
    () => signingPractitionerRefusal(command.orderedBy),
    () => notAfterToday(command.orderedOn, command.at, settings, 'A renewed order'),
    () => notBefore(command.orderedOn, episode.order.orderedOn, 'A renewed order', 'the order it renews'),
    () => referralAgeRefusal(command.orderedOn, localToday(command.at, settings), settings),
  );
  if (refusal) return refusal;
  return [
    {
      type: 'OrderRenewed',
      ...stamp(command),
      orderedBy: withCanonicalCredential(command.orderedBy),
      orderedOn: command.orderedOn,
      validThrough: referralValidThrough(command.orderedOn, settings),
    },
    referralNotice(command, episode.referral, 'order-renewed'),
  ];
};

export const recordAuthorization: Handler<'RecordAuthorization'> = (command, state) => {
  const change = { ...present('addedVisits', command.addedVisits), ...present('endDate', command.endDate) };
  const episode = started(state);
  if (episode instanceof DomainError) return episode;
  const refusal = authorizationChangeRefusal(episode.authorization, change);
  if (refusal) return refusal;
  return [
    {
      type: 'AuthorizationRecorded',
      ...stamp(command),
      ...change,
      authorization: extendedAuthorization(state.authorization, authorizedVisitsUsed(state), change),
    },
    referralNotice(command, episode.referral, 'authorization-recorded'),
  ];
};
