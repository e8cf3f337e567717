/**
 * Billing messages in the CloudEvents Kafka binding (binary mode), like the episode events: key =
 * episode id, data as the JSON value, attributes as `ce_` headers. The id is deterministic (the
 * charge set's or claim's identity and version), so a republished message is recognisably the same.
 */
import type { z } from 'zod';
import { conformsExactly } from '../exact-conformance';
import { cloudEventsSpecVersion, IntegrationEventMismatchError, type KafkaMessage } from '../integration-events/kafka-message';
import { publishedFieldsOf, unpublishedFieldsIn, type PublishedFields } from '../integration-events/published-fields';
import { billingEventSchemas, currentBillingEventVersions, type BillingEventData, type BillingEventType } from './schemas';

export const billingEventSchemaUri = (type: BillingEventType, version: number): string => `urn:careflow:billing-event:${type}:v${version}`;

export const billingEventSchemaFileName = (type: BillingEventType, version: number): string => `billing.${type}.v${version}.json`;

export type BillingEvent = { [T in BillingEventType]: { readonly type: T; readonly data: BillingEventData<T> } }[BillingEventType];

/** The message's deterministic id: what changed and its version. */
export const billingEventId = (event: BillingEvent): string =>
  event.type === 'ChargeSetChanged'
    ? `charges:${event.data.episodeId}:${event.data.serviceDate}:${event.data.version}`
    : `claim:${event.data.claimId}`;

/** Each type's allow-list of published fields, from its current schema (built once). */
const publishedFields = Object.fromEntries(
  Object.entries(currentBillingEventVersions).map(([type, version]) => [
    type,
    publishedFieldsOf(billingEventSchemas[type as BillingEventType][version]),
  ]),
) as Record<BillingEventType, PublishedFields>;

/** Where data is not as its schema says: first any field the schema does not publish, else zod's findings. */
const problemsOf = (type: BillingEventType, schema: z.ZodType, data: unknown): string[] => {
  const unpublished = unpublishedFieldsIn(publishedFields[type], data);
  if (unpublished.length > 0) return unpublished;
  const parsed = schema.safeParse(data);
  return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.') || '(the event)');
};

/**
 * The Kafka message of a billing event, its data checked strictly against the current schema first:
 * a field no schema publishes never leaves (the allow-list, on every message), and every value is as
 * the schema says. `time` is when the change it announces occurred.
 */
export const billingEventMessage = (event: BillingEvent, time: string, source = 'careflow/billing'): KafkaMessage => {
  const version = currentBillingEventVersions[event.type];
  const schema = billingEventSchemas[event.type][version];
  const fields = conformsExactly(schema, event.data) ? [] : problemsOf(event.type, schema, event.data);
  if (fields.length > 0) {
    throw new IntegrationEventMismatchError(
      `The ${event.type} v${version} billing event does not match its schema at: ${fields.join(', ')}.`,
    );
  }
  return {
    key: event.data.episodeId,
    value: JSON.stringify(event.data),
    headers: {
      ce_specversion: cloudEventsSpecVersion,
      ce_id: billingEventId(event),
      ce_type: event.type,
      ce_source: source,
      ce_subject: event.data.episodeId,
      ce_time: time,
      ce_dataschema: billingEventSchemaUri(event.type, version),
      careflow_schema_version: String(version),
      'content-type': 'application/json',
    },
  };
};
