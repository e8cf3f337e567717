import { Controller, Get, Inject, Param, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { Sql } from 'postgres';
import { departmentFilter } from '@careflow/auth';
import { SQL } from '@careflow/platform';
import { callerOf, notFound, Operation, parseOr400, RouteDoc } from '../http';
import { isWorklistKind, readWorklist, worklistQuery } from './worklists';

@Controller('worklists')
export class WorklistsController {
  constructor(@Inject(SQL) private readonly sql: Sql) {}

  @Get(':kind')
  @Operation('worklists:read', { resource: 'worklist' })
  @RouteDoc({ summary: "A worklist of the caller's departments", query: worklistQuery })
  worklist(@Param('kind') kind: string, @Query() query: unknown, @Req() request: Request) {
    if (!isWorklistKind(kind)) throw notFound('worklist');
    return readWorklist(this.sql, departmentFilter(callerOf(request), 'worklists:read'), kind, parseOr400(worklistQuery, query));
  }
}
