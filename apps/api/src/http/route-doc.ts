import { SetMetadata } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { z } from 'zod';

export const routeDocMetadata = 'careflow:route-doc';

/** JSON Schema (draft 2020-12, as OpenAPI 3.1 uses it), generated from a zod schema. */
export type JsonSchema = Record<string, unknown>;

/** What the OpenAPI document says of a route beyond its path, method and operation. */
export interface RouteDoc {
  readonly summary: string;
  /** The request body's schema: from the same zod schema the route validates with (jsonSchemaOf). */
  readonly body?: JsonSchema;
  /**
   * The query string: the very zod object the route parses `@Query()` with (not its JSON Schema), so
   * the document lists what the route reads and the OpenAPI test can hold the route to it.
   */
  readonly query?: z.ZodObject;
  /** Success statuses and what each means; 200 when omitted. */
  readonly answers?: Readonly<Record<number, string>>;
}

/** Documents a route in /openapi.json (docs/api.md, "OpenAPI"). */
export const RouteDoc = (doc: RouteDoc): MethodDecorator => SetMetadata(routeDocMetadata, doc);

export const routeDocOf = (reflector: Reflector, handler: object): RouteDoc | undefined =>
  reflector.get<RouteDoc | undefined>(routeDocMetadata, handler as () => unknown);

/** The JSON Schema of what a zod schema accepts (its input: defaults may be left out). */
export const jsonSchemaOf = (schema: z.ZodType): JsonSchema =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
