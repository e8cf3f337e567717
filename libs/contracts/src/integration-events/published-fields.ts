/**
 * The fields a schema publishes, as a tree that a message's data is checked against without parsing it:
 * the allow-list of the PHI guard (a field no schema publishes never leaves), derived from the schema
 * itself so the rule stays in the schema. A walk over the data with no allocation when every field is
 * allowed, where comparing the data with a parsed copy (`unpublishedFields`) costs as much as the parse.
 */
import type { z } from 'zod';

/** An object's allowed fields, an array's allowed item, or a value that may have no fields at all. */
export type PublishedFields = { readonly fields: ReadonlyMap<string, PublishedFields> } | { readonly item: PublishedFields } | 'value';

interface Def {
  readonly type: string;
  readonly shape?: Record<string, z.core.$ZodType>;
  readonly element?: z.core.$ZodType;
  readonly innerType?: z.core.$ZodType;
}

/** The tree of a schema; wrappers (optional, nullable, readonly, default) publish what they wrap. */
export const publishedFieldsOf = (schema: z.core.$ZodType): PublishedFields => {
  const def = schema._zod.def as Def;
  if (def.type === 'object' && def.shape) {
    return { fields: new Map(Object.entries(def.shape).map(([name, field]) => [name, publishedFieldsOf(field)])) };
  }
  if (def.type === 'array' && def.element) return { item: publishedFieldsOf(def.element) };
  if (def.innerType && ['optional', 'nullable', 'readonly', 'default'].includes(def.type)) return publishedFieldsOf(def.innerType);
  return 'value';
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const collect = (published: PublishedFields, value: unknown, path: string, found: string[]): void => {
  if (published === 'value') {
    // A value the schema gives no fields must not bring any.
    if (isObject(value) || Array.isArray(value)) found.push(path || '(the event)');
    return;
  }
  if ('item' in published) {
    if (!Array.isArray(value)) return;
    for (let index = 0; index < value.length; index += 1) collect(published.item, value[index], `${path}[${index}]`, found);
    return;
  }
  if (!isObject(value)) return;
  for (const name in value) {
    const field = path === '' ? name : `${path}.${name}`;
    const allowed = published.fields.get(name);
    if (allowed === undefined) found.push(field);
    else collect(allowed, value[name], field, found);
  }
};

/** The same walk without naming anything: the common answer, yes, costs no path strings. */
const onlyPublished = (published: PublishedFields, value: unknown): boolean => {
  if (published === 'value') return !isObject(value) && !Array.isArray(value);
  if ('item' in published) {
    if (!Array.isArray(value)) return true;
    for (const item of value) if (!onlyPublished(published.item, item)) return false;
    return true;
  }
  if (!isObject(value)) return true;
  for (const name in value) {
    const allowed = published.fields.get(name);
    if (allowed === undefined || !onlyPublished(allowed, value[name])) return false;
  }
  return true;
};

/** The paths of the fields in `value` the schema does not publish (never their values); empty when none. */
export const unpublishedFieldsIn = (published: PublishedFields, value: unknown): string[] => {
  if (onlyPublished(published, value)) return [];
  const found: string[] = [];
  collect(published, value, '', found);
  return found;
};
