import { Body, Controller, HttpStatus, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { callerOf, describeTarget, jsonSchemaOf, Operation, RouteDoc } from '../http';
import { ReferralIntake, referralSubmissionSchema } from './referral-intake';

export interface ReferralAnswer {
  readonly episodeId: string;
  readonly status: string;
}

@Controller('referrals')
export class ReferralsController {
  constructor(private readonly intake: ReferralIntake) {}

  /** 201 and the new episode; 200 and the same episode for the same referral sent again; 409 when its content differs. */
  @Post()
  @Operation('command:ReceiveReferral', { action: 'create' })
  @RouteDoc({
    summary: 'Submit a referral to a department',
    body: jsonSchemaOf(referralSubmissionSchema),
    answers: { 201: 'A new episode: its id and status', 200: 'The same referral sent again: the same episode' },
  })
  async submit(@Body() body: unknown, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<ReferralAnswer> {
    const caller = callerOf(request);
    const outcome = await this.intake.submit(body, caller, (target) => describeTarget(request, target));
    response.status(outcome.result === 'created' ? HttpStatus.CREATED : HttpStatus.OK);
    return { episodeId: outcome.episodeId, status: outcome.status };
  }
}
