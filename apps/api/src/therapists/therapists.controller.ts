import { Controller, Get, Inject, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { Sql } from 'postgres';
import { departmentFilter } from '@careflow/auth';
import { SQL } from '@careflow/platform';
import { callerOf, Operation, RouteDoc } from '../http';
import { listTherapists } from './therapists';

@Controller('therapists')
export class TherapistsController {
  constructor(@Inject(SQL) private readonly sql: Sql) {}

  @Get()
  @Operation('therapists:read', { resource: 'therapist' })
  @RouteDoc({ summary: "The departments' therapists: licences, certificates with expiry, caseload" })
  async therapists(@Req() request: Request) {
    return { therapists: await listTherapists(this.sql, departmentFilter(callerOf(request), 'therapists:read')) };
  }
}
