import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Inject } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AuditOutcome } from '@careflow/audit';
import type { Logger } from '@careflow/config';
import { LOGGER } from '@careflow/platform';
import { requestState } from './caller';
import { type ProblemDetails, ProblemException, problemContentType } from './problem';
import { RequestAudit } from './request-audit';

const titles: Readonly<Record<number, string>> = {
  400: 'The request is not valid',
  401: 'Sign-in required',
  403: 'Not permitted',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  413: 'The request body is too large',
  415: 'Unsupported media type',
  422: 'Unprocessable request',
  429: 'Too many requests',
};

const generic = (status: number): ProblemException =>
  new ProblemException({
    slug: status >= 500 ? 'internal-error' : `http-${status}`,
    title: titles[status] ?? (status >= 500 ? 'Internal error' : 'Request refused'),
    status,
  });

const outcomeOf = (status: number): AuditOutcome =>
  status === HttpStatus.UNAUTHORIZED || status === HttpStatus.FORBIDDEN ? 'denied' : 'error';

/**
 * Answers every error as RFC 9457 problem details and writes the failed request's audit record first
 * (denied for 401/403 and for a 404 that hid another department's object). Messages of unexpected
 * errors are neither answered nor logged: they may quote the data that failed.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(
    private readonly audit: RequestAudit,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async catch(error: unknown, host: ArgumentsHost): Promise<void> {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    let problem = this.problemOf(error);
    const state = requestState(request);
    if (this.audit.pending(request)) {
      const denial = state.denial ?? problem.denial;
      const outcome = denial === undefined ? outcomeOf(problem.status) : 'denied';
      try {
        await this.audit.record(request, outcome, denial ?? problem.problem.slug);
      } catch (auditError) {
        problem = auditError instanceof ProblemException ? auditError : generic(HttpStatus.SERVICE_UNAVAILABLE);
      }
    }
    if (response.headersSent) return;
    const details: ProblemDetails = problem.details(`urn:request:${state.requestId}`);
    response.status(problem.status).set(problem.headers).type(problemContentType).send(JSON.stringify(details));
  }

  private problemOf(error: unknown): ProblemException {
    if (error instanceof ProblemException) return error;
    // Nest's own (an unknown route, a method not allowed): the status only; its message may quote the path.
    if (error instanceof HttpException && error.getStatus() < 500) return generic(error.getStatus());
    this.logger.error({ err: error }, 'request failed unexpectedly');
    return generic(HttpStatus.INTERNAL_SERVER_ERROR);
  }
}
