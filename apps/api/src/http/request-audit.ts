import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { concatMap, type Observable } from 'rxjs';
import type { AuditEntry, AuditOutcome, AuditTrail } from '@careflow/audit';
import type { Logger } from '@careflow/config';
import { LOGGER } from '@careflow/platform';
import { requestState } from './caller';
import { serviceUnavailable } from './problem';
import { AUDIT_TRAIL } from './tokens';

// An address as the socket reports it (IPv4, IPv6); anything else (a zone suffix) is left out, not stored.
const addressPattern = /^[A-Fa-f0-9.:]{2,64}$/;
const clientAddressOf = (request: Request): { clientAddress?: string } =>
  request.ip !== undefined && addressPattern.test(request.ip) ? { clientAddress: request.ip } : {};

/**
 * Writes the one audit record of a request to a route with an @Operation (HIPAA §164.312(b)): who,
 * what, when, where, why and the outcome, before the answer is sent. When the record cannot be
 * written the request fails with 503 (fail closed); see docs/api.md, "Audit".
 */
@Injectable()
export class RequestAudit {
  constructor(
    @Inject(AUDIT_TRAIL) private readonly trail: AuditTrail,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Whether the request needs a record that has not been written yet. */
  pending(request: Request): boolean {
    const state = requestState(request);
    return state.operation !== undefined && !state.audited;
  }

  async record(request: Request, outcome: AuditOutcome, outcomeReason?: string): Promise<void> {
    const state = requestState(request);
    if (state.operation === undefined || state.audited) return;
    state.audited = true;
    const { caller, target } = state;
    await this.write(state.operation.name, {
      who: { userId: caller?.userId ?? null, role: caller?.role ?? null },
      what: {
        resourceType: target.resourceType,
        ...(target.resourceId === undefined ? {} : { resourceId: target.resourceId }),
        ...(target.patientKey === undefined ? {} : { patientKey: target.patientKey }),
        ...(target.departmentId === undefined ? {} : { departmentId: target.departmentId }),
      },
      action: state.operation.action,
      operation: state.operation.name,
      where: clientAddressOf(request),
      why: caller?.purposeOfUse ?? null,
      outcome,
      ...(outcomeReason === undefined ? {} : { outcomeReason }),
      requestId: state.requestId,
    });
  }

  /**
   * The record of a route that checks its caller itself (the codec endpoint, which the Temporal UI
   * calls with its own token): the same trail, the same client address, the same fail-closed rule.
   */
  async recordOwnCheck(request: Request, entry: Omit<AuditEntry, 'where' | 'requestId'>): Promise<void> {
    await this.write(entry.operation, { ...entry, where: clientAddressOf(request), requestId: requestState(request).requestId });
  }

  private async write(operation: string, entry: AuditEntry): Promise<void> {
    try {
      await this.trail.record(entry);
    } catch (error) {
      this.logger.error({ err: error, operation }, 'audit record could not be written; the request fails');
      throw serviceUnavailable('audit-unavailable', 'The audit trail cannot record this request, so it is refused; try again.');
    }
  }
}

/** Audits each successful request before its answer leaves; failures are audited by the problem-details filter. */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(private readonly audit: RequestAudit) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    return next.handle().pipe(
      concatMap(async (answer: unknown) => {
        await this.audit.record(request, 'success');
        return answer;
      }),
    );
  }
}
