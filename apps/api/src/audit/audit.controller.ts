import { Controller, Get, Inject, Param, Query, Req, Res, StreamableFile } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Sql } from 'postgres';
import { z } from 'zod';
import { maxAuditPage, toFhirAuditBundle, type AuditQuery, type AuditRecord, type AuditTrail } from '@careflow/audit';
import { type EventStore, verifyHashChains } from '@careflow/event-store';
import { SQL } from '@careflow/platform';
import { AUDIT_TRAIL, describeTarget, EpisodeAccess, notFound, Operation, parseOr400, RouteDoc } from '../http';
import { storedEvents } from '../episodes-read/episode-reads';
import { chargesOfEpisode } from '../billing-read/billing-reads';
import { EpisodeFhir } from '../fhir/episode-fhir';
import { EVENT_STORE } from '../reads/tokens';
import { buildAuditPacket } from './audit-packet';
import { chartOf } from './chart';
import { chartPdf } from './chart-pdf';

const id = z.string().regex(/^[A-Za-z0-9._:/@+-]{1,200}$/, { error: 'must be an id' });
const instant = z.iso.datetime({ offset: true, error: 'must be an instant with its offset (ISO 8601)' });

export const auditSearchQuery = z.strictObject({
  episodeId: id.meta({ description: 'Every record about the episode: reads, commands, refusals, packets.' }).optional(),
  user: id.meta({ description: 'The user who acted.' }).optional(),
  from: instant.meta({ description: 'Records from this instant on.' }).optional(),
  to: instant.meta({ description: 'Records before this instant (exclusive).' }).optional(),
  after: z.coerce
    .number({ error: 'must be a sequence number' })
    .int()
    .min(0)
    .meta({ description: "The previous page's `next`: the last sequence number it held." })
    .optional(),
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(1)
    .max(maxAuditPage)
    .meta({ description: 'Records per page.' })
    .default(100),
});

const searchOf = (query: z.infer<typeof auditSearchQuery>): AuditQuery => ({
  ...(query.episodeId === undefined ? {} : { resourceId: query.episodeId }),
  ...(query.user === undefined ? {} : { userId: query.user }),
  ...(query.from === undefined ? {} : { from: new Date(query.from) }),
  ...(query.to === undefined ? {} : { to: new Date(query.to) }),
  ...(query.after === undefined ? {} : { afterSequence: query.after }),
  limit: query.limit,
});

/** Hashes as hex, as the verifier prints them. */
const recordJson = (record: AuditRecord) => ({
  ...record,
  previousHash: record.previousHash.toString('hex'),
  hash: record.hash.toString('hex'),
});

/** The observer named in every FHIR AuditEvent: this API. */
const observer = 'careflow-api';

/** The auditor's routes (docs/api-reads.md#audit): the trail, as JSON or FHIR, and one episode's packet. */
@Controller()
export class AuditController {
  constructor(
    @Inject(AUDIT_TRAIL) private readonly trail: AuditTrail,
    @Inject(EVENT_STORE) private readonly eventStore: Pick<EventStore, 'readStream'>,
    @Inject(SQL) private readonly sql: Sql,
    private readonly access: EpisodeAccess,
    private readonly episodeFhir: EpisodeFhir,
  ) {}

  @Get('audit')
  @Operation('audit:read', { resource: 'audit-trail' })
  @RouteDoc({ summary: 'Audit records', query: auditSearchQuery })
  async search(@Query() query: unknown, @Req() request: Request) {
    const parsed = parseOr400(auditSearchQuery, query);
    this.describe(request, parsed.episodeId);
    const records = await this.trail.search(searchOf(parsed));
    return { records: records.map(recordJson), next: records.length === parsed.limit ? records.at(-1)?.sequence : undefined };
  }

  @Get('audit/fhir')
  @Operation('audit:read', { resource: 'audit-trail' })
  @RouteDoc({ summary: 'Audit records as a FHIR Bundle of IHE BALP AuditEvents', query: auditSearchQuery })
  async fhir(@Query() query: unknown, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    const parsed = parseOr400(auditSearchQuery, query);
    this.describe(request, parsed.episodeId);
    response.type('application/fhir+json');
    return toFhirAuditBundle(await this.trail.search(searchOf(parsed)), { observer });
  }

  @Get('episodes/:id/audit-packet')
  @Operation('audit:packet')
  @RouteDoc({ summary: "The auditor's packet (zip): FHIR Bundle, audit trail, event stream with its chain verification, chart PDF" })
  async packet(@Param('id') episodeId: string, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    await this.access.episode(request, episodeId);
    const [recorded, verification, auditTrail, charges, fhirBundle] = await Promise.all([
      this.eventStore.readStream(episodeId),
      verifyHashChains(this.sql, { streamIds: [episodeId] }),
      this.wholeTrailOf(episodeId),
      chargesOfEpisode(this.sql, episodeId),
      this.episodeFhir.bundle(episodeId),
    ]);
    if (recorded.length === 0) throw notFound('episode');
    const generatedAt = new Date();
    const events = await storedEvents({ readStream: async () => recorded }, episodeId);
    const packet = await buildAuditPacket({
      episodeId,
      generatedAt,
      ...(fhirBundle && { fhirBundle }),
      auditTrail,
      events: recorded,
      verification,
      chartPdf: await chartPdf(chartOf(episodeId, events, charges), { generatedAt }),
    });
    response.set({ 'Content-Disposition': `attachment; filename="episode-${episodeId}-audit-packet.zip"` });
    return new StreamableFile(packet, { type: 'application/zip', length: packet.length });
  }

  /** The audit trail is searched for the episode's id in every record: reads, commands and refusals. */
  private describe(request: Request, episodeId: string | undefined): void {
    if (episodeId !== undefined) describeTarget(request, { resourceId: episodeId });
  }

  private async wholeTrailOf(episodeId: string): Promise<AuditRecord[]> {
    const records: AuditRecord[] = [];
    for (;;) {
      const page = await this.trail.search({ resourceId: episodeId, limit: maxAuditPage, afterSequence: records.at(-1)?.sequence ?? 0 });
      records.push(...page);
      if (page.length < maxAuditPage) return records;
    }
  }
}
