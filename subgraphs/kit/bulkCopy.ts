import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { embeddedDatabase } from './database';

/** Streaming bulk loads: `COPY ... FROM STDIN` on PostgreSQL, `COPY ... FROM '/dev/blob'` on the embedded PGlite. */

export interface CopyOptions {
  /** Characters of COPY text buffered before they are sent (PostgreSQL) or loaded as one blob (PGlite). */
  chunkSize?: number;
}

const DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One value in COPY text format: NULL as `\N`, backslash, tab, newline and carriage return escaped. */
export function encodeCopyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  switch (typeof value) {
    case 'string':
      return value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c] as string);
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`cannot COPY the number ${value}`);
      return String(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 't' : 'f';
    default:
      if (value instanceof Date) return value.toISOString();
      return encodeCopyValue(JSON.stringify(value));
  }
}

/** One row as a line of COPY text. */
export function encodeCopyRow(row: readonly unknown[]): string {
  let line = '';
  for (let i = 0; i < row.length; i++) line += (i === 0 ? '' : '\t') + encodeCopyValue(row[i]);
  return line + '\n';
}

function quoteIdentifier(name: string): string {
  return name
    .split('.')
    .map((part) => `"${part.replace(/"/g, '""')}"`)
    .join('.');
}

/** Groups encoded rows into chunks of about `chunkSize` characters, checking each row's width. */
async function* chunks(
  rows: Iterable<readonly unknown[]> | AsyncIterable<readonly unknown[]>,
  width: number,
  chunkSize: number,
  counter: { rows: number },
): AsyncGenerator<string> {
  let parts: string[] = [];
  let size = 0;
  for await (const row of rows) {
    if (row.length !== width) throw new Error(`row ${counter.rows + 1} has ${row.length} values, expected ${width}`);
    const line = encodeCopyRow(row);
    parts.push(line);
    size += line.length;
    counter.rows++;
    if (size >= chunkSize) {
      yield parts.join('');
      parts = [];
      size = 0;
    }
  }
  if (parts.length > 0) yield parts.join('');
}

/** Holds one session of the data source's pool (pg's, or the PGlite driver's single session) while `work` runs. */
function withSession<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    pool.connect((err, client, release) => {
      if (err || !client) return reject(err ?? new Error('no database session'));
      work(client).then(
        (value) => {
          release();
          resolve(value);
        },
        (error: unknown) => {
          // A failed COPY leaves a pg connection in an unknown state: discard it rather than reuse it.
          release(error instanceof Error ? error : new Error(String(error)));
          reject(error);
        },
      );
    });
  });
}

/**
 * Streams `rows` into `table (columns)` in one transaction and returns how many rows were copied.
 * Memory stays bounded by `chunkSize` whatever the number of rows.
 */
export async function copyRows(
  dataSource: DataSource,
  table: string,
  columns: string[],
  rows: Iterable<unknown[]> | AsyncIterable<unknown[]>,
  options: CopyOptions = {},
): Promise<number> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const target = `${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(', ')})`;
  const counter = { rows: 0 };
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  const embedded = embeddedDatabase(dataSource);

  if (embedded) {
    await withSession(pool, () =>
      embedded.transaction(async (tx) => {
        for await (const text of chunks(rows, columns.length, chunkSize, counter)) {
          await tx.query(`COPY ${target} FROM '/dev/blob'`, [], { blob: new Blob([text]) });
        }
      }),
    );
    return counter.rows;
  }

  return withSession(pool, async (client) => {
    const stream = client.query(copyFrom(`COPY ${target} FROM STDIN`));
    await pipeline(Readable.from(chunks(rows, columns.length, Math.min(chunkSize, 64 * 1024), counter)), stream);
    return counter.rows;
  });
}
