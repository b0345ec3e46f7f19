/**
 * A large result read a batch at a time through a cursor, in the transaction `m` is in (the cursor sees that
 * transaction's snapshot). A national table is 1.6 million rows: read as one result, its row objects were some
 * 600 MB alive together, more than a subgraph's heap is given in deploy/base.
 */
import type { EntityManager } from 'typeorm';

/** Rows per fetch: some 20 MB of row objects at a time. */
export const BATCH_ROWS = 50_000;

let cursors = 0;

/** Runs `each` on the rows of `select` (no parameters), `batch` rows at a time; `m` must be in a transaction. */
export async function inBatches<Row>(m: Pick<EntityManager, 'query'>, select: string, each: (rows: Row[]) => void, batch = BATCH_ROWS): Promise<void> {
  if (!Number.isSafeInteger(batch) || batch < 1) throw new Error(`A batch is a whole number of rows, not ${batch}`);
  const cursor = `batches_${++cursors}`;
  await m.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR ${select}`);
  for (;;) {
    const rows: Row[] = await m.query(`FETCH ${batch} FROM ${cursor}`);
    each(rows);
    if (rows.length < batch) break;
  }
  await m.query(`CLOSE ${cursor}`);
}
