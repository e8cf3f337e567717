/**
 * JSON Schema of every published integration event, generated from the zod schemas (the committed
 * files under libs/contracts/schemas are this output, checked by a test).
 */
import { z } from 'zod';
import { careEpisodeEventTypes } from '@careflow/domain';
import { billingEventSchemaFileName, billingEventSchemaUri } from '../billing-charges/message';
import { billingEventSchemas, billingEventTypes } from '../billing-charges/schemas';
import { integrationEventSchemas, type IntegrationEventType } from './schemas';

export type JsonSchema = z.core.JSONSchema.BaseSchema;

/** The CloudEvents `dataschema` of a type and version, also the `$id` of its JSON Schema. */
export const integrationEventSchemaUri = (type: IntegrationEventType, version: number): string =>
  `urn:careflow:integration-event:${type}:v${version}`;

export const integrationEventSchemaFileName = (type: IntegrationEventType, version: number): string => `${type}.v${version}.json`;

export interface PublishedSchema {
  /** An integration event type, or a billing event type (careflow.billing-charges.v1). */
  readonly type: string;
  readonly version: number;
  readonly fileName: string;
  readonly schema: JsonSchema;
}

/**
 * Consumers are tolerant readers (they ignore fields they do not know), so a published schema does
 * not forbid additional properties: adding an optional field within a version stays compatible.
 * The producer still refuses any field a schema does not publish (`publishedDataProblems`).
 */
const tolerant = (schema: z.ZodType, $id: string, title: string): JsonSchema => {
  const { $schema, ...rest } = z.toJSONSchema(schema, {
    override: ({ jsonSchema }) => {
      if (jsonSchema.additionalProperties === false) delete jsonSchema.additionalProperties;
    },
  });
  return { $schema, $id, title, ...rest };
};

/** Every type and version the code knows, in a stable order: the episode events, then billing's. */
export const publishedSchemas = (): PublishedSchema[] => [
  ...careEpisodeEventTypes.flatMap((type) =>
    Object.entries(integrationEventSchemas[type] as Readonly<Record<string, z.ZodType>>).map(([version, schema]) => ({
      type,
      version: Number(version),
      fileName: integrationEventSchemaFileName(type, Number(version)),
      schema: tolerant(schema, integrationEventSchemaUri(type, Number(version)), `${type} v${version}`),
    })),
  ),
  ...billingEventTypes.flatMap((type) =>
    Object.entries(billingEventSchemas[type] as Readonly<Record<string, z.ZodType>>).map(([version, schema]) => ({
      type,
      version: Number(version),
      fileName: billingEventSchemaFileName(type, Number(version)),
      schema: tolerant(schema, billingEventSchemaUri(type, Number(version)), `${type} v${version}`),
    })),
  ),
];

/** A schema file as committed: two-space JSON with a final newline, so diffs stay readable. */
export const schemaFileText = (schema: JsonSchema): string => `${JSON.stringify(schema, null, 2)}\n`;
