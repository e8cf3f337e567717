import { Controller, Get, Inject, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { Sql } from 'postgres';
import { departmentFilter } from '@careflow/auth';
import { SQL } from '@careflow/platform';
import { callerOf, Operation, parseOr400, RouteDoc } from '../http';
import { complianceReport, outcomeReport, outcomesQuery } from './reports';

@Controller('reports')
export class ReportsController {
  constructor(@Inject(SQL) private readonly sql: Sql) {}

  @Get('outcomes')
  @Operation('reports:read', { resource: 'report' })
  @RouteDoc({ summary: 'Outcome attainment by department, therapist or diagnosis group (aggregates only)', query: outcomesQuery })
  outcomes(@Query() query: unknown, @Req() request: Request) {
    return outcomeReport(this.sql, departmentFilter(callerOf(request), 'reports:read'), parseOr400(outcomesQuery, query));
  }

  @Get('compliance')
  @Operation('reports:read', { resource: 'report' })
  @RouteDoc({ summary: 'Operations figures and compliance findings per department (aggregates only)' })
  compliance(@Req() request: Request) {
    return complianceReport(this.sql, departmentFilter(callerOf(request), 'reports:read'));
  }
}
