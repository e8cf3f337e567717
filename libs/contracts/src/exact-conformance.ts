/**
 * A fast yes for the common case of a message check: data that is exactly as its zod schema says (every
 * value valid, no field the schema lacks, at any depth). The validator is compiled once per schema by
 * ajv from the JSON Schema zod generates from that same schema, so the rule stays in the zod schema.
 * A no says nothing more: callers then run zod, which names the fields and drops unknown ones. Billing
 * and the relay check every message, and zod's parse was a tenth of billing's time (docs/consumers.md#checking-messages).
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { z } from 'zod';

let compiler: Ajv2020 | undefined;
const validators = new WeakMap<z.ZodType, ValidateFunction>();

const validatorOf = (schema: z.ZodType): ValidateFunction => {
  // Options that make ajv judge as zod does: string lengths in UTF-16 units and patterns without the
  // u flag (as JavaScript's own String length and RegExp); `format: date` comes with zod's own pattern.
  // ajv calls `unicode` deprecated (it still honours it) and would say so on the console at each start.
  compiler ??= new Ajv2020({ strict: true, unicode: false, unicodeRegExp: false, validateFormats: false, logger: false });
  let validate = validators.get(schema);
  if (validate === undefined) {
    // Output mode: every object closed (additionalProperties: false), as the producer's allow-list is.
    validate = compiler.compile(z.toJSONSchema(schema, { io: 'output' }));
    validators.set(schema, validate);
  }
  return validate;
};

/** True when `data` is exactly as `schema` says: zod would parse it to an equal value and drop nothing. */
export const conformsExactly = (schema: z.ZodType, data: unknown): boolean => validatorOf(schema)(data);
