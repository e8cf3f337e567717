import { randomUUID } from 'node:crypto';
import type { Sql } from 'postgres';
import { applicationRoleOf, databaseUrls } from './database';

/**
 * A private copy of a read-model table (and of the views over it) for one test, so tests can run a
 * real projection without racing the real runner over the shared tables.
 */
export interface ScratchReadModel {
  readonly table: string;
  /** The copy of a view. */
  view(name: string): string;
  drop(): Promise<void>;
}

export const createScratchReadModel = async (admin: Sql, table: string, views: readonly string[] = []): Promise<ScratchReadModel> => {
  const prefix = `test_${randomUUID().replace(/-/g, '').slice(0, 12)}_`;
  const copy = `${prefix}${table}`;
  const role = applicationRoleOf(databaseUrls().app);
  await admin.unsafe(`CREATE TABLE ${copy} (LIKE ${table} INCLUDING ALL); GRANT ALL ON ${copy} TO ${role}`);
  for (const view of views) {
    const [found] = await admin<{ definition: string }[]>`SELECT pg_get_viewdef(${view}::regclass) AS definition`;
    const definition = (found?.definition ?? '').replace(new RegExp(`\\b${table}\\b`, 'g'), copy);
    await admin.unsafe(`CREATE VIEW ${prefix}${view} AS ${definition}; GRANT SELECT ON ${prefix}${view} TO ${role}`);
  }
  return {
    table: copy,
    view: (name) => `${prefix}${name}`,
    drop: async () => {
      await admin.unsafe(`DROP TABLE ${copy} CASCADE`);
    },
  };
};
