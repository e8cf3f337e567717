/**
 * Whether a new revision of a published JSON Schema breaks consumers of the old one. Messages of
 * both revisions share a topic (retention, rebuilds, consumers upgraded one at a time), so a
 * revision must let old consumers read new messages and new consumers read old ones:
 * - breaking: a field removed or renamed, a field's type changed, a field newly required, a required
 *   field made optional, an enum value or a union branch removed, a format or pattern changed;
 * - compatible: an optional field added, an enum value or a union branch added (consumers treat a
 *   code they do not know as "other"), descriptions and titles.
 * A breaking change needs a new version of the event type, with its own schema.
 */
import type { JsonSchema, PublishedSchema } from './json-schemas';

type Schema = JsonSchema & {
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly items?: Schema;
  readonly anyOf?: readonly Schema[];
  readonly oneOf?: readonly Schema[];
  readonly enum?: readonly unknown[];
};

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const where = (path: string): string => (path === '' ? 'the event' : path);

/** The breaking changes from `previous` to `next`, each as one line naming the field; empty when compatible. */
export const breakingChanges = (previous: JsonSchema, next: JsonSchema, path = ''): string[] => {
  const before = previous as Schema;
  const after = next as Schema;
  const problems: string[] = [];

  const branchesBefore = before.anyOf ?? before.oneOf;
  const branchesAfter = after.anyOf ?? after.oneOf;
  if (branchesBefore !== undefined || branchesAfter !== undefined) {
    if (branchesBefore === undefined || branchesAfter === undefined) return [`${where(path)} changed type`];
    branchesBefore.forEach((branch, index) => {
      if (!branchesAfter.some((candidate) => breakingChanges(branch, candidate, path).length === 0)) {
        problems.push(`${where(path)} lost union branch ${index + 1} (or changed it incompatibly)`);
      }
    });
    return problems;
  }

  if (!same(before.type, after.type)) return [`${where(path)} changed type from ${String(before.type)} to ${String(after.type)}`];
  if (!same(before.const, after.const)) return [`${where(path)} changed its constant value`];
  if (before.format !== after.format) problems.push(`${where(path)} changed format`);
  if (before.pattern !== after.pattern) problems.push(`${where(path)} changed pattern`);
  if (before.enum !== undefined) {
    const allowed = after.enum;
    if (allowed === undefined) problems.push(`${where(path)} is no longer an enumeration`);
    else {
      const removed = before.enum.filter((value) => !allowed.some((candidate) => same(candidate, value)));
      if (removed.length > 0) problems.push(`${where(path)} no longer allows ${removed.map((value) => JSON.stringify(value)).join(', ')}`);
    }
  }

  if (before.items !== undefined && after.items !== undefined) {
    problems.push(...breakingChanges(before.items, after.items, `${path}[]`));
  }

  const propertiesBefore = before.properties ?? {};
  const propertiesAfter = after.properties ?? {};
  const requiredBefore = new Set(before.required ?? []);
  const requiredAfter = new Set(after.required ?? []);
  for (const [name, schema] of Object.entries(propertiesBefore)) {
    const field = path === '' ? name : `${path}.${name}`;
    const nextSchema = propertiesAfter[name];
    if (nextSchema === undefined) {
      problems.push(`${field} was removed or renamed`);
      continue;
    }
    if (requiredBefore.has(name) && !requiredAfter.has(name)) problems.push(`${field} was required and became optional`);
    problems.push(...breakingChanges(schema, nextSchema, field));
  }
  for (const name of requiredAfter) {
    if (!requiredBefore.has(name) && propertiesBefore[name] !== undefined)
      problems.push(`${path === '' ? name : `${path}.${name}`} became required`);
    if (propertiesBefore[name] === undefined) problems.push(`${path === '' ? name : `${path}.${name}`} is a new required field`);
  }
  return problems;
};

/**
 * What is wrong between the committed schema files (file name → schema) and the schemas the code
 * generates: a committed version the code no longer has, or a breaking change to a committed version.
 */
export const contractProblems = (committed: ReadonlyMap<string, JsonSchema>, generated: readonly PublishedSchema[]): string[] => {
  const byFile = new Map(generated.map((published) => [published.fileName, published.schema]));
  return [...committed].flatMap(([fileName, schema]) => {
    const current = byFile.get(fileName);
    if (current === undefined) return [`${fileName}: this published version is gone from the code; keep it while messages of it may exist`];
    return breakingChanges(schema, current).map((problem) => `${fileName}: ${problem}`);
  });
};
