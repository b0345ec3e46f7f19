import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { migrations as immigrationMigrations } from '../subgraphs/immigration/migrations';
import { migrations as myNumberMigrations } from '../subgraphs/mynumber/migrations';
import { migrations as registryMigrations } from '../subgraphs/registry/migrations';
import type { Authority } from '../runtime/authority';
import { openDatabase } from '../subgraphs/kit/database';
import { createMetrics } from '../runtime/metrics';
import { populationSize } from './generate';
import { countPersons, loadAuthority, seedIfEmpty, seedPersons, truncateAuthority } from './load';
import { personas } from './personas';

const MIGRATIONS = { immigration: immigrationMigrations, registry: registryMigrations, mynumber: myNumberMigrations };
const OPTIONS = { seed: 7, persons: 1_500, asOf: '2026-11-28' };
const dbs = {} as Record<Authority, DataSource>;
const total = personas().length + populationSize(OPTIONS.persons);
const one = async <T>(db: DataSource, sql: string): Promise<T> => ((await db.query(sql)) as T[])[0] as T;

const dropScratch: Array<() => Promise<void>> = [];

async function admin(server: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: server });
  await client.connect();
  await client.query(sql);
  await client.end();
}

/** Embedded in memory; on PostgreSQL (`<AUTHORITY>_DATABASE_URL` set) a throwaway database on that server. */
async function scratchUrl(authority: Authority): Promise<string | undefined> {
  const server = process.env[`${authority.toUpperCase()}_DATABASE_URL`];
  if (!server) return undefined;
  const name = `rc_test_seed_${authority}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await admin(server, `CREATE DATABASE ${name}`);
  dropScratch.push(() => admin(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

beforeAll(async () => {
  for (const authority of Object.keys(MIGRATIONS) as Authority[]) {
    const url = await scratchUrl(authority);
    dbs[authority] = await openDatabase({ authority, url, migrations: MIGRATIONS[authority], statements: createMetrics('t').dbStatements });
  }
});
afterAll(async () => {
  for (const db of Object.values(dbs)) await db.destroy();
  for (const drop of dropScratch) await drop();
});

describe('seedIfEmpty', () => {
  it('loads personas and generated persons into each authority, every row passing the database constraints', async () => {
    for (const authority of Object.keys(dbs) as Authority[]) {
      await expect(seedIfEmpty(authority, dbs[authority], OPTIONS)).resolves.toEqual({ seeded: true, persons: total });
    }
    const persons = [...seedPersons(OPTIONS)];
    const registered = persons.filter((p) => p.registry !== null).length;
    expect(await countPersons('immigration', dbs.immigration)).toBe(total);
    expect(await countPersons('registry', dbs.registry)).toBe(registered);
    expect(await countPersons('mynumber', dbs.mynumber)).toBe(registered);
    expect(await one(dbs.immigration, `SELECT count(*)::int AS n FROM residence_card`)).toEqual({
      n: persons.reduce((sum, p) => sum + p.immigration.cards.length, 0),
    });
    expect(await one(dbs.mynumber, `SELECT count(*)::int AS n FROM card_function`)).toEqual({
      n: persons.reduce((sum, p) => sum + (p.mynumber?.cards.length ?? 0) * 3, 0),
    });
  });

  it('agrees across authorities: the same My Numbers, birth dates and municipalities', async () => {
    const immigration: Array<{ my_number: string; birth_date: string; municipality_code: string }> = await dbs.immigration.query(
      `SELECT my_number, birth_date, municipality_code FROM foreign_resident WHERE my_number IS NOT NULL ORDER BY my_number`,
    );
    const registry = await dbs.registry.query(`SELECT my_number, birth_date, municipality_code FROM resident ORDER BY my_number`);
    const mynumber = await dbs.mynumber.query(`SELECT my_number, birth_date, municipality_code FROM my_number ORDER BY my_number`);
    expect(registry).toEqual(immigration);
    expect(mynumber).toEqual(immigration);
    const codes = `SELECT my_number, resident_record_code FROM %s ORDER BY my_number`;
    expect(await dbs.mynumber.query(codes.replace('%s', 'my_number'))).toEqual(await dbs.registry.query(codes.replace('%s', 'resident')));
  });

  it('moves identity sequences past the loaded ids', async () => {
    const { max } = await one<{ max: number }>(dbs.registry, `SELECT max(id) AS max FROM address`);
    const [{ id }] = await dbs.registry.query(
      `INSERT INTO address (resident_id, municipality_code, line, moved_in_on, moved_out_on)
       SELECT id, municipality_code, 'test', '2026-11-28', '2026-11-28' FROM resident LIMIT 1 RETURNING id`,
    );
    expect(id).toBe(max + 1);
  });

  it('does nothing when the authority already has persons', async () => {
    await expect(seedIfEmpty('registry', dbs.registry, { ...OPTIONS, seed: 8 })).resolves.toEqual({ seeded: false, persons: 0 });
  });

  it('reloads after truncation, reporting progress per batch', async () => {
    await truncateAuthority('mynumber', dbs.mynumber);
    expect(await countPersons('mynumber', dbs.mynumber)).toBe(0);
    const progress: number[] = [];
    await loadAuthority('mynumber', dbs.mynumber, seedPersons(OPTIONS), (n) => progress.push(n));
    expect(progress.at(-1)).toBe(total);
    const { n } = await one<{ n: number }>(dbs.mynumber, `SELECT count(*)::int AS n FROM my_number WHERE my_number_is_valid(my_number)`);
    expect(n).toBe(await countPersons('registry', dbs.registry));
  });
});
