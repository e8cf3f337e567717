/**
 * Payer authorization and per-episode visit counting (docs/clinical-rules.md §7). Visits count per episode,
 * never per patient; a self-pay visit is outside the authorization and does not use it up.
 */
import { daysBetween, type IsoDate } from '../calendar';
import type { z } from 'zod';
import { DomainError, type Refusal } from '../errors';
import { integer, isoDate, record } from '../validation';

export const authorizationSchema = record({ visits: integer(0, 1000).optional(), endDate: isoDate.optional() });
export type Authorization = z.infer<typeof authorizationSchema>;

export const authorizationRefusal = (
  authorization: Authorization | undefined,
  input: { authorizedVisitsUsed: number; sessionDate: IsoDate; selfPay: boolean },
): Refusal => {
  if (authorization === undefined || input.selfPay) return undefined;
  if (authorization.visits !== undefined && input.authorizedVisitsUsed >= authorization.visits) {
    return new DomainError(
      'AUTHORIZATION_EXHAUSTED',
      `All ${authorization.visits} authorized visits of this episode are used; record the session as self-pay or obtain a new authorization.`,
      { authorizedVisits: authorization.visits },
    );
  }
  if (authorization.endDate !== undefined && daysBetween(authorization.endDate, input.sessionDate) > 0) {
    return new DomainError(
      'AUTHORIZATION_EXPIRED',
      "The payer's authorization ended before this session date; record the session as self-pay or obtain a new authorization.",
    );
  }
  return undefined;
};

/** Whether a session falls outside the payer's authorization (the compliance views flag such sessions). */
export const isBeyondAuthorization = (
  authorization: Authorization | undefined,
  input: { authorizedVisitsUsed: number; sessionDate: IsoDate; selfPay: boolean },
): boolean => authorizationRefusal(authorization, input) !== undefined;

/** A new or extended authorization as the payer grants it. */
export interface AuthorizationChange {
  readonly addedVisits?: number;
  readonly endDate?: IsoDate;
}

/** An authorization is only ever extended: more visits, a later end date, or both. */
export const authorizationChangeRefusal = (current: Authorization | undefined, change: AuthorizationChange): Refusal => {
  if (change.addedVisits === undefined && change.endDate === undefined) {
    return new DomainError('INVALID_COMMAND', 'A new or extended authorization needs visits added, a new end date, or both.');
  }
  if (change.endDate !== undefined && current?.endDate !== undefined && daysBetween(current.endDate, change.endDate) <= 0) {
    return new DomainError(
      'INVALID_COMMAND',
      'A new authorization end date must be later than the current one; when only visits are added, leave the end date out.',
    );
  }
  return undefined;
};

/**
 * The authorization in force after a change. Added visits add to the episode's authorized visits;
 * where no visit limit applied so far, they are counted from the visits already used.
 */
export const extendedAuthorization = (
  current: Authorization | undefined,
  visitsUsed: number,
  change: AuthorizationChange,
): Authorization => {
  const visits = change.addedVisits === undefined ? current?.visits : (current?.visits ?? visitsUsed) + change.addedVisits;
  const endDate = change.endDate ?? current?.endDate;
  return { ...(visits === undefined ? {} : { visits }), ...(endDate === undefined ? {} : { endDate }) };
};
