import type { DataSource } from 'typeorm';
import { LogSequencer } from './sequencer';

/**
 * The sequencer's timer against a database that stops answering (a failover, a lock held by a migration): it must
 * wait on one look at a time, not start one per tick until every pooled connection waits behind it.
 */
test('a stalled database holds one look of the sequencer, however many ticks pass', async () => {
  let statements = 0;
  let release!: () => void;
  const stalled = new Promise<void>((resolve) => (release = resolve));
  const db = {
    createQueryRunner: () => ({ data: {}, release: async () => undefined }),
    query: async () => {
      statements++;
      await stalled;
      return [{ waiting: false, unsigned: false }];
    },
  } as unknown as DataSource;
  const sequencer = new LogSequencer({ db, authority: 'registry', signingKey: { privateKey: null as never }, pollMs: 5 });
  sequencer.start();
  await new Promise((resolve) => setTimeout(resolve, 200)); // about 40 ticks
  expect(statements).toBe(1);
  // Once the database answers, the next tick looks again.
  release();
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(statements).toBeGreaterThan(1);
  await sequencer.stop();
});
