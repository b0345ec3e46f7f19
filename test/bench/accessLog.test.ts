import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendLoad, measureAccessLog, quantile } from './accessLog';
import { addWaitEvents, formatWaitEvents } from './waitEvents';

describe('the access-log scenario (test/bench/accessLog.ts)', () => {
  test('quantiles by nearest rank', () => {
    const sorted = Array.from({ length: 200 }, (_, i) => i + 1);
    expect([quantile(sorted, 0.5), quantile(sorted, 0.99), quantile(sorted, 1), quantile([7], 0.99), quantile([], 0.5)]).toEqual([100, 198, 200, 7, 0]);
  });

  test('each writer awaits its append before the next: never more calls in flight than writers', async () => {
    let inFlight = 0;
    let most = 0;
    const { latenciesMs } = await appendLoad(
      async () => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
      },
      3,
      60,
    );
    expect(most).toBe(3);
    expect(latenciesMs.every((ms) => ms >= 4)).toBe(true);
  });

  test('on PGlite: one INSERT per append with one writer, shared INSERTs with several, every append in the log', async () => {
    const resultsDir = mkdtempSync(join(tmpdir(), 'rc-access-log-test-'));
    try {
      const { results, conditions } = await measureAccessLog({ durationSec: 0.3, warmupSec: 0.1, resultsDir, stores: ['pglite'], writers: [1, 8] });
      // A note would say the log did not hold every resolved append (or why the store could not run).
      expect(conditions.stores.pglite?.note).toBeUndefined();
      expect(conditions.stores.pglite?.settings?.synchronousCommit).toBe('on');
      expect(Object.keys(results.pglite!)).toEqual(['1', '8']);
      expect(results.pglite!['1']!.rowsPerInsert).toBe(1);
      expect(results.pglite!['8']!.rowsPerInsert).toBeGreaterThan(1);
      expect(results.pglite!['8']!.appends).toBeGreaterThan(0);
    } finally {
      rmSync(resultsDir, { recursive: true, force: true });
    }
  });
});

describe('wait events', () => {
  test("a cell's rounds add up, most frequent first", () => {
    const total = addWaitEvents([{ samples: 2, events: { CPU: 3, 'IO:WALSync': 1 } }, undefined, { samples: 1, events: { 'IO:WALSync': 4 } }]);
    expect(total).toEqual({ samples: 3, events: { CPU: 3, 'IO:WALSync': 5 } });
    expect(formatWaitEvents(total)).toBe('IO:WALSync 5, CPU 3');
    expect(addWaitEvents([undefined])).toBeUndefined();
  });
});
