import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { grantFor, type TokenVerifier } from '@careflow/auth';
import { defaultPurposeOfUse, isPurposeOfUse, purposeOfUseHeader, requestState } from './caller';
import { actionOfMethod, isPublic, operationOf, resourceOfOperation } from './operation.decorator';
import { forbidden, invalidRequest, serviceUnavailable, unauthenticated } from './problem';
import { unreadableBodyProblem } from './request-body';
import { TOKEN_VERIFIER } from './tokens';

const bearerPattern = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

/**
 * Verifies the bearer token of every route that is not @Public and checks the caller's role against
 * the route's @Operation. The department of the object is checked where it is known, by the route
 * (EpisodeAccess), so an episode of another department answers 404 like an unknown one.
 */
@Injectable()
export class CallerGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_VERIFIER) private readonly verifyToken: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const request = context.switchToHttp().getRequest<Request>();
    const state = requestState(request);
    if (isPublic(this.reflector, targets)) {
      if (state.unreadableBody !== undefined) throw unreadableBodyProblem(state.unreadableBody);
      return true;
    }
    const operation = operationOf(this.reflector, targets);
    // A route without an operation cannot be authorized or audited; the start-up check refuses it too.
    if (operation === undefined) throw forbidden();
    state.operation = { name: operation.operation, action: operation.action ?? actionOfMethod(request.method) };
    state.target.resourceType = operation.resource ?? resourceOfOperation(operation.operation);

    const match = bearerPattern.exec(request.headers.authorization ?? '');
    if (match?.[1] === undefined) throw unauthenticated('Send a bearer token in the Authorization header.');
    let verification;
    try {
      verification = await this.verifyToken(match[1]);
    } catch {
      throw serviceUnavailable('identity-provider-unavailable', "The identity provider's signing keys cannot be fetched; try again.");
    }
    if (!verification.ok) {
      state.denial = `token-${verification.refusal.reason}`;
      throw unauthenticated(verification.refusal.message);
    }
    const { principal } = verification;
    const sent = request.headers[purposeOfUseHeader];
    if (sent !== undefined && !isPurposeOfUse(sent)) {
      throw invalidRequest([{ path: `header ${purposeOfUseHeader}`, problem: 'must be one of treatment, payment, operations, audit' }]);
    }
    // The token's purpose binds; a header may name one only when the token does not.
    const purposeOfUse = principal.purposeOfUse ?? (sent as typeof principal.purposeOfUse) ?? defaultPurposeOfUse[principal.role];
    state.caller = { userId: principal.userId, role: principal.role, departments: principal.departments, purposeOfUse };
    if (!grantFor(operation.operation).roles.includes(principal.role)) {
      state.denial = 'role';
      throw forbidden();
    }
    // Refused only now, so the attempt is audited with its caller (the problem-details filter writes it).
    if (state.unreadableBody !== undefined) throw unreadableBodyProblem(state.unreadableBody);
    return true;
  }
}
