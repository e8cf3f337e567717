import { Controller, Get, Inject, Param, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { Sql } from 'postgres';
import { z } from 'zod';
import { decideAccess, departmentFilter } from '@careflow/auth';
import { SQL } from '@careflow/platform';
import { callerOf, EpisodeAccess, notFound, Operation, parseOr400, RouteDoc } from '../http';
import { EPISODE_READS } from '../reads/tokens';
import type { EpisodeReads, ReadView } from './episode-reads';
import { episodeListQuery, listEpisodes } from './episode-list';

const episodeQuery = z.strictObject({
  asOf: z.iso
    .datetime({ offset: true, error: 'must be an instant with its offset (ISO 8601)' })
    .meta({ description: 'The episode as its record stood at this instant: the events recorded by then.' })
    .optional(),
});

/** Episode reads (docs/api-reads.md#episode): state and due dates, a past moment, the timeline, lists. */
@Controller('episodes')
export class EpisodesReadController {
  constructor(
    private readonly access: EpisodeAccess,
    @Inject(EPISODE_READS) private readonly reads: EpisodeReads,
    @Inject(SQL) private readonly sql: Sql,
  ) {}

  @Get()
  @Operation('episode:read')
  @RouteDoc({ summary: "Episodes of the caller's departments", query: episodeListQuery })
  list(@Query() query: unknown, @Req() request: Request) {
    return listEpisodes(this.sql, departmentFilter(callerOf(request), 'episode:read'), parseOr400(episodeListQuery, query));
  }

  @Get(':id')
  @Operation('episode:read')
  @RouteDoc({ summary: 'An episode: state and due dates, or its state at a past moment', query: episodeQuery })
  async episode(@Param('id') id: string, @Query() query: unknown, @Req() request: Request) {
    const { asOf } = parseOr400(episodeQuery, query);
    const episode = await this.access.episode(request, id);
    const view = this.viewOf(request, episode.departmentId);
    const answer = asOf === undefined ? await this.reads.current(id, view) : await this.reads.asOf(id, new Date(asOf), view);
    if (answer === undefined) throw notFound('episode');
    return answer;
  }

  @Get(':id/timeline')
  @Operation('episode:timeline')
  @RouteDoc({ summary: "The episode's events in the clinic's words, routing explained" })
  async timeline(@Param('id') id: string, @Req() request: Request) {
    const episode = await this.access.episode(request, id);
    const entries = await this.reads.timeline(id, this.viewOf(request, episode.departmentId));
    if (entries === undefined) throw notFound('episode');
    return { episodeId: id, entries };
  }

  /** Note text is its own operation in the permission table: billing and schedulers read without it. */
  private viewOf(request: Request, departmentId: string): ReadView {
    return { noteText: decideAccess(callerOf(request), 'episode:note-text', departmentId).allowed };
  }
}
