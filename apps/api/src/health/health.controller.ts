import { Controller, Get, HttpStatus, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { TokenVerifier } from '@careflow/auth';
import { DependencyHealth, type HealthReport } from '@careflow/platform';
import { Public, RouteDoc, TOKEN_VERIFIER } from '../http';

const bearerPattern = /^Bearer (\S+)$/;

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: DependencyHealth,
    @Inject(TOKEN_VERIFIER) private readonly verifyToken: TokenVerifier,
  ) {}

  /**
   * 200 when PostgreSQL, Temporal and Kafka all answer, 503 otherwise. Probes see only the status;
   * which dependency is down, and its latency, only a caller with a valid token.
   */
  @Get()
  @Public()
  @RouteDoc({ summary: 'Up or down; each dependency only for a signed-in caller', answers: { 200: 'Up', 503: 'Down' } })
  async check(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<HealthReport | Pick<HealthReport, 'status'>> {
    const report = await this.health.check();
    response.status(report.status === 'up' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return (await this.isSignedIn(request)) ? report : { status: report.status };
  }

  private async isSignedIn(request: Request): Promise<boolean> {
    const token = bearerPattern.exec(request.headers.authorization ?? '')?.[1];
    if (token === undefined) return false;
    try {
      return (await this.verifyToken(token)).ok;
    } catch {
      return false;
    }
  }
}
