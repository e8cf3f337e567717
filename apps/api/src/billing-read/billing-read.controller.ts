import { Controller, Get, Inject, Param, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { Sql } from 'postgres';
import { departmentFilter } from '@careflow/auth';
import { SQL } from '@careflow/platform';
import { callerOf, EpisodeAccess, Operation, parseOr400, RouteDoc } from '../http';
import { chargesOfEpisode, claimsQuery, listClaims } from './billing-reads';

@Controller()
export class BillingReadController {
  constructor(
    private readonly access: EpisodeAccess,
    @Inject(SQL) private readonly sql: Sql,
  ) {}

  @Get('episodes/:id/charges')
  @Operation('episode:charges')
  @RouteDoc({ summary: "The episode's charges per session day" })
  async charges(@Param('id') id: string, @Req() request: Request) {
    await this.access.episode(request, id);
    return { episodeId: id, charges: await chargesOfEpisode(this.sql, id) };
  }

  @Get('claims')
  @Operation('claims:read', { resource: 'claim' })
  @RouteDoc({ summary: "Claims of the caller's departments", query: claimsQuery })
  claims(@Query() query: unknown, @Req() request: Request) {
    return listClaims(this.sql, departmentFilter(callerOf(request), 'claims:read'), parseOr400(claimsQuery, query));
  }
}
