import { All, Controller, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AuditOutcome } from '@careflow/audit';
import { type CodecAuditRecord, type CodecEndpointOptions, handleCodecRequest } from '@careflow/temporal';
import { Public, RouteDoc } from '../http';
import { RequestAudit } from '../http/request-audit';

export const CODEC_ENDPOINT_OPTIONS = Symbol('careflow.codec-endpoint-options');

const outcomeOf: Record<CodecAuditRecord['outcome'], AuditOutcome> = { succeeded: 'success', denied: 'denied', rejected: 'error' };

/**
 * The payload codec for the Temporal UI (`/codec/encode`, `/codec/decode`). Decoding shows PHI, so
 * every attempt needs a valid bearer token and the codec permission for its operation, and writes one
 * audit record, refusals included, before the answer: no record, no payloads (fail closed).
 */
@Controller('codec')
export class CodecController {
  constructor(
    @Inject(CODEC_ENDPOINT_OPTIONS) private readonly options: CodecEndpointOptions,
    private readonly audit: RequestAudit,
  ) {}

  // It verifies the token and the codec permissions itself (libs/temporal codec-endpoint.ts).
  @All(':operation')
  @Public()
  @RouteDoc({ summary: "The Temporal UI's payload codec (encode, decode); bearer token and codec permissions checked by the endpoint" })
  async handle(@Req() request: Request, @Res() response: Response): Promise<void> {
    const result = await handleCodecRequest(
      { method: request.method, path: request.path, headers: request.headers, body: request.body as unknown },
      this.options,
    );
    if (result.audit) {
      const { operation, subject, role, purposeOfUse, namespace, outcome } = result.audit;
      await this.audit.recordOwnCheck(request, {
        who: { userId: subject, role },
        what: { resourceType: 'temporal-payloads', ...(namespace === null ? {} : { resourceId: namespace }) },
        action: operation === 'decode' ? 'read' : 'execute',
        operation: `codec:${operation}`,
        why: purposeOfUse ?? 'operations',
        outcome: outcomeOf[outcome],
      });
    }
    response.status(result.status).set(result.headers);
    if (result.body === undefined) response.end();
    else response.json(result.body);
  }
}
