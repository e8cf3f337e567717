/**
 * Canonical JSON: one byte sequence per JSON value, so a hash over it can be recomputed from what
 * PostgreSQL hands back (jsonb reorders keys and drops whitespace, but keeps every value).
 * Object keys are sorted by UTF-16 code units, no whitespace, strings and numbers as JSON.stringify
 * writes them (the RFC 8785 rules for the values an event may hold).
 */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | readonly JsonValue[] | { readonly [key: string]: JsonValue };
export type JsonObject = { readonly [key: string]: JsonValue };

/** A value that cannot be stored as jsonb and read back unchanged; `path` names where, never what. */
export class NotCanonicalJsonError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path} ${problem}`);
    this.name = 'NotCanonicalJsonError';
  }
}

// jsonb refuses \u0000 and unpaired surrogates; refusing them here names the field instead.
// (isWellFormed is Node 20's; the ES2022 typings do not know it yet.)
export const isStorable = (text: string): boolean =>
  !text.includes('\u0000') && (text as string & { isWellFormed(): boolean }).isWellFormed();

export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null);

/** Where the walk is: keys and indexes from the root, turned into text only for an error. */
type Trail = (string | number)[];

const pathOf = (root: string, trail: Trail): string =>
  trail.reduce<string>(
    (path, step) =>
      typeof step === 'number'
        ? `${path}[${step}]`
        : /^[A-Za-z_$][\w$]*$/.test(step)
          ? `${path}.${step}`
          : `${path}[${JSON.stringify(step)}]`,
    root,
  );

const fail = (root: string, trail: Trail, problem: string): never => {
  throw new NotCanonicalJsonError(pathOf(root, trail), problem);
};

// Object.keys(...).sort() without a comparator orders by UTF-16 code units, as canonical JSON wants.
// The general path, for whatever sortedCopy leaves to it: writes any value and names where a problem is.
const write = (value: unknown, root: string, trail: Trail): string => {
  switch (typeof value) {
    case 'string':
      return isStorable(value) ? JSON.stringify(value) : fail(root, trail, 'contains a NUL character or an unpaired surrogate');
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : fail(root, trail, 'is not a finite number');
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let text = '[';
        for (let index = 0; index < value.length; index += 1) {
          trail.push(index);
          const item: unknown = value[index];
          if (item === undefined) fail(root, trail, 'is undefined');
          text += (index > 0 ? ',' : '') + write(item, root, trail);
          trail.pop();
        }
        return `${text}]`;
      }
      if (!isJsonObject(value)) return fail(root, trail, 'is not a plain object, array or JSON value');
      let text = '{';
      for (const key of Object.keys(value).sort()) {
        const member: unknown = value[key];
        // Optional fields left undefined are absent, as JSON.stringify treats them.
        if (member === undefined) continue;
        if (!isStorable(key)) fail(root, trail, 'has a key with a NUL character or an unpaired surrogate');
        trail.push(key);
        text += (text.length > 1 ? ',' : '') + JSON.stringify(key) + ':' + write(member, root, trail);
        trail.pop();
      }
      return `${text}}`;
    }
    case 'undefined':
    case 'bigint':
    case 'function':
    case 'symbol':
      return fail(root, trail, `is a ${typeof value}, which JSON cannot hold`);
  }
};

/** What sortedCopy returns for anything it leaves to `write` (which names the problem, if any). */
const leftToWrite = Symbol('left to write');

/**
 * The fast path: `value` copied with every object's keys inserted in canonical order, for one native
 * JSON.stringify. JavaScript objects list array-index keys ("0", "10") first in numeric order and
 * treat "__proto__" specially, so objects with such keys are left to `write`, like every problem.
 */
const sortedCopy = (value: unknown): unknown => {
  switch (typeof value) {
    case 'string':
      return isStorable(value) ? value : leftToWrite;
    case 'number':
      return Number.isFinite(value) ? value : leftToWrite;
    case 'boolean':
      return value;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) {
        const copy: unknown[] = new Array<unknown>(value.length);
        for (let index = 0; index < value.length; index += 1) {
          const item: unknown = value[index];
          const copied = item === undefined ? leftToWrite : sortedCopy(item);
          if (copied === leftToWrite) return leftToWrite;
          copy[index] = copied;
        }
        return copy;
      }
      if (!isJsonObject(value)) return leftToWrite;
      const copy: Record<string, unknown> = {};
      for (const key of Object.keys(value).sort()) {
        const member: unknown = value[key];
        if (member === undefined) continue;
        const first = key.charCodeAt(0);
        if ((first >= 0x30 && first <= 0x39) || key === '__proto__' || !isStorable(key)) return leftToWrite;
        const copied = sortedCopy(member);
        if (copied === leftToWrite) return leftToWrite;
        copy[key] = copied;
      }
      return copy;
    }
    case 'undefined':
    case 'bigint':
    case 'function':
    case 'symbol':
      return leftToWrite;
  }
};

/** The canonical JSON text of `value`; throws NotCanonicalJsonError naming the offending path. */
export const canonicalJson = (value: unknown, path = '$'): string => {
  const copy = sortedCopy(value);
  return copy === leftToWrite ? write(value, path, []) : JSON.stringify(copy);
};
