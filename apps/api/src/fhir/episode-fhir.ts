/**
 * An episode's FHIR Bundle (docs/fhir.md): its events from the event store and its charge lines from
 * billing's read model, mapped by libs/fhir. Read only: the API never appends through this store.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { Bundle } from 'fhir/r4';
import type { Sql } from 'postgres';
import { z } from 'zod';
import { episodeEventsTopic } from '@careflow/contracts';
import { isBillingCode, type CareEpisodeEvent } from '@careflow/domain';
import { createEventStore, type EventStore } from '@careflow/event-store';
import { episodeBundle, type ChargeItemInput } from '@careflow/fhir';
import { SQL } from '@careflow/platform';

/** The fields of the domain's ChargeLine the Bundle shows (billing_charges.lines, docs/billing.md). */
const chargeLinesSchema = z.array(z.looseObject({ code: z.string(), units: z.number(), amountCents: z.number(), billable: z.boolean() }));

interface ChargeRow {
  readonly service_date: string;
  readonly lines: unknown;
  readonly held: boolean;
}

const chargeItemsOf = (row: ChargeRow): ChargeItemInput[] =>
  chargeLinesSchema.parse(row.lines).flatMap((line): ChargeItemInput[] =>
    isBillingCode(line.code)
      ? [
          {
            serviceDate: row.service_date,
            code: line.code,
            units: line.units,
            amountCents: line.amountCents,
            status: !line.billable ? 'not-billable' : row.held ? 'planned' : 'billable',
          },
        ]
      : [],
  );

@Injectable()
export class EpisodeFhir {
  private readonly eventStore: Pick<EventStore, 'readStream'>;

  constructor(@Inject(SQL) private readonly sql: Sql) {
    this.eventStore = createEventStore({ sql, outboxTopic: episodeEventsTopic.name });
  }

  /** The episode's Bundle as of now; undefined when its stream has no events yet. */
  async bundle(episodeId: string): Promise<Bundle | undefined> {
    const events = (await this.eventStore.readStream(episodeId)).map((recorded) => recorded.data as unknown as CareEpisodeEvent);
    if (events.length === 0) return undefined;
    const rows = await this.sql<ChargeRow[]>`
      SELECT service_date::text AS service_date, lines, held FROM billing_charges WHERE episode_id = ${episodeId} ORDER BY service_date`;
    return episodeBundle({ episodeId, events, charges: rows.flatMap(chargeItemsOf), generatedAt: new Date().toISOString() });
  }
}
