import postgres from 'postgres';
import { requireEnv, uniqueSuffix } from '../support/env';

describe('PostgreSQL through Postgres.js', () => {
  const sql = postgres(requireEnv('MIGRATION_DATABASE_URL'), { max: 2, onnotice: () => undefined });
  const table = `foundation_probe_${uniqueSuffix()}`;

  beforeAll(async () => {
    await sql`create table ${sql(table)} (id int primary key, label text not null)`;
  });

  afterAll(async () => {
    await sql`drop table if exists ${sql(table)}`;
    await sql.end();
  });

  it('commits a transaction', async () => {
    await sql.begin(async (tx) => {
      await tx`insert into ${sql(table)} (id, label) values (1, 'committed')`;
      await tx`insert into ${sql(table)} (id, label) values (2, 'committed')`;
    });
    const rows = await sql`select id from ${sql(table)} order by id`;
    expect(rows.map((r) => r['id'] as number)).toEqual([1, 2]);
  });

  it('rolls back a failed transaction entirely', async () => {
    await expect(
      sql.begin(async (tx) => {
        await tx`insert into ${sql(table)} (id, label) values (3, 'rolled back')`;
        await tx`insert into ${sql(table)} (id, label) values (1, 'duplicate key')`;
      }),
    ).rejects.toThrow(/duplicate key/);
    const [row] = await sql`select count(*)::int as n from ${sql(table)} where id = 3`;
    expect(row?.['n']).toBe(0);
  });
});
