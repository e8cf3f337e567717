import { Body, Controller, HttpStatus, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { IdempotencyKeys } from '../episodes/idempotency';
import { callerOf, describeTarget, EpisodeAccess, jsonSchemaOf, Operation, RouteDoc } from '../http';
import { ReferralIntake, referralSubmissionSchema } from './referral-intake';

export interface ReferralAnswer {
  readonly episodeId: string;
  readonly status: string;
}

@Controller('referrals')
export class ReferralsController {
  constructor(
    private readonly intake: ReferralIntake,
    private readonly idempotency: IdempotencyKeys,
    private readonly access: EpisodeAccess,
  ) {}

  /**
   * 201 and the new episode; 200 and the same episode for the same referral sent again; 409 when its
   * content differs. With an Idempotency-Key, a retry gets the first answer, 201 included.
   */
  @Post()
  @Operation('command:ReceiveReferral', { action: 'create' })
  @RouteDoc({
    summary: 'Submit a referral to a department',
    body: jsonSchemaOf(referralSubmissionSchema),
    answers: { 201: 'A new episode: its id and status', 200: 'The same referral sent again: the same episode' },
  })
  async submit(@Body() body: unknown, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<ReferralAnswer> {
    const caller = callerOf(request);
    const key = this.idempotency.keyOf(request.headers['idempotency-key']);
    const requestHash = key === undefined ? undefined : this.idempotency.requestHash(request.method, request.path, body);
    if (key !== undefined && requestHash !== undefined) {
      const stored = await this.idempotency.find(caller.userId, key, requestHash);
      if (stored !== undefined) {
        const answer = stored.answer as ReferralAnswer;
        // The replay is audited like the first answer: the episode, its department and patient key.
        await this.access.episode(request, answer.episodeId);
        response.status(stored.status);
        return answer;
      }
    }
    const outcome = await this.intake.submit(body, caller, (target) => describeTarget(request, target));
    const status = outcome.result === 'created' ? HttpStatus.CREATED : HttpStatus.OK;
    const answer: ReferralAnswer = { episodeId: outcome.episodeId, status: outcome.status };
    if (key !== undefined && requestHash !== undefined) await this.idempotency.store(caller.userId, key, requestHash, { status, answer });
    response.status(status);
    return answer;
  }
}
