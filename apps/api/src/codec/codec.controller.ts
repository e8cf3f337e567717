import { All, Controller, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from '@careflow/config';
import { LOGGER } from '@careflow/platform';
import { type CodecEndpointOptions, handleCodecRequest } from '@careflow/temporal';
import { Public, RouteDoc } from '../http';

export const CODEC_ENDPOINT_OPTIONS = Symbol('careflow.codec-endpoint-options');

/**
 * The payload codec for the Temporal UI (`/codec/encode`, `/codec/decode`). Decoding shows PHI, so
 * every attempt needs a valid bearer token and the codec permission for its operation, and leaves an
 * audit line, refusals included.
 */
@Controller('codec')
export class CodecController {
  constructor(
    @Inject(CODEC_ENDPOINT_OPTIONS) private readonly options: CodecEndpointOptions,
    @Inject(LOGGER) private readonly logger: Logger,
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
      this.logger.info({ audit: { ...result.audit, purpose: 'operations', client: request.ip } }, 'codec access');
    }
    response.status(result.status).set(result.headers);
    if (result.body === undefined) response.end();
    else response.json(result.body);
  }
}
