import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DependencyHealth, type HealthReport } from '@careflow/platform';

@Controller('health')
export class HealthController {
  constructor(private readonly health: DependencyHealth) {}

  /** 200 when PostgreSQL, Temporal and Kafka all answer, 503 otherwise; each with its latency. */
  @Get()
  async check(@Res({ passthrough: true }) response: Response): Promise<HealthReport> {
    const report = await this.health.check();
    response.status(report.status === 'up' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }
}
