/**
 * Small typed shape checks for commands arriving from outside (API, workflow, Kafka inbound).
 * The domain imports no libraries, so this replaces a schema library. A schema returns the first
 * problem it finds as "<path> must be …"; it never echoes the offending value (it may be PHI).
 */
import { isIsoDate, isIsoInstant } from './calendar';

/** `__type` is never set: it only ties a schema to the type it checks, so `object` can demand one per field. */
export type Schema<T> = ((value: unknown, path: string) => string | undefined) & { readonly __type?: T };

const schema = <T>(check: (value: unknown, path: string) => string | undefined): Schema<T> => check;

export const text = (options: { max?: number } = {}): Schema<string> => {
  const max = options.max ?? 10_000;
  return schema((value, path) =>
    typeof value === 'string' && value.trim().length > 0 && value.length <= max
      ? undefined
      : `${path} must be a non-empty text of at most ${max} characters`,
  );
};

export const isoDate: Schema<string> = schema((value, path) =>
  isIsoDate(value) ? undefined : `${path} must be a calendar date (YYYY-MM-DD)`,
);

export const isoInstant: Schema<string> = schema((value, path) =>
  isIsoInstant(value) ? undefined : `${path} must be an ISO 8601 instant`,
);

export const integer = (min: number, max: number): Schema<number> =>
  schema((value, path) =>
    Number.isInteger(value) && (value as number) >= min && (value as number) <= max
      ? undefined
      : `${path} must be a whole number from ${min} to ${max}`,
  );

export const decimal = (min: number, max: number): Schema<number> =>
  schema((value, path) =>
    typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max
      ? undefined
      : `${path} must be a number from ${min} to ${max}`,
  );

export const boolean: Schema<boolean> = schema((value, path) =>
  typeof value === 'boolean' ? undefined : `${path} must be true or false`,
);

export const oneOf = <const V extends string>(values: readonly V[]): Schema<V> =>
  schema((value, path) =>
    typeof value === 'string' && (values as readonly string[]).includes(value)
      ? undefined
      : `${path} must be one of ${values.join(', ')}`,
  );

export const optional = <T>(inner: Schema<T>): Schema<T | undefined> =>
  schema((value, path) => (value === undefined ? undefined : inner(value, path)));

export const nullable = <T>(inner: Schema<T>): Schema<T | null> =>
  schema((value, path) => (value === null ? undefined : inner(value, path)));

export const array = <T>(item: Schema<T>, options: { min?: number; max?: number } = {}): Schema<T[]> => {
  const min = options.min ?? 0;
  const max = options.max ?? 500;
  return schema((value, path) => {
    if (!Array.isArray(value) || value.length < min || value.length > max) {
      return `${path} must be a list of ${min} to ${max} entries`;
    }
    for (const [index, entry] of value.entries()) {
      const problem = item(entry, `${path}[${index}]`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  });
};

/** Every field of `T` needs a schema; fields not named here are ignored, never trusted. */
export const object = <T>(shape: { readonly [K in keyof T]-?: Schema<T[K]> }): Schema<T> =>
  schema((value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${path} must be an object`;
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(shape) as Array<keyof T & string>) {
      const problem = shape[key](record[key], `${path}.${key}`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  });

/** A list whose entries carry an id field: ids must be unique within it. */
export const uniqueBy = <T>(inner: Schema<T[]>, key: keyof T & string): Schema<T[]> =>
  schema((value, path) => {
    const problem = inner(value, path);
    if (problem !== undefined) return problem;
    const ids = (value as T[]).map((entry) => entry[key]);
    return new Set(ids).size === ids.length ? undefined : `${path} must not repeat a ${key}`;
  });
