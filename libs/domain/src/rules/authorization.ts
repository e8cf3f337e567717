/**
 * Payer authorization and per-episode visit counting (CLINICAL-RULES §7). Visits count per episode,
 * never per patient; a self-pay visit is outside the authorization and does not use it up.
 */
import { daysBetween, type IsoDate } from '../calendar';
import { DomainError, type Refusal } from '../errors';

export interface Authorization {
  readonly visits?: number;
  readonly endDate?: IsoDate;
}

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
