import { Body, Controller, HttpStatus, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { callerOf, describeTarget, Operation } from '../http';
import { ReferralIntake } from './referral-intake';

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
  async submit(@Body() body: unknown, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<ReferralAnswer> {
    const caller = callerOf(request);
    const outcome = await this.intake.submit(body, caller, (target) => describeTarget(request, target));
    response.status(outcome.result === 'created' ? HttpStatus.CREATED : HttpStatus.OK);
    return { episodeId: outcome.episodeId, status: outcome.status };
  }
}
