import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import { sweepWhileListening } from './sweep';

test('a sweep runs when the server listens, then at every turn, skips turns while one runs, and stops at close', async () => {
  const server = new EventEmitter() as unknown as Server;
  let running = 0;
  let overlapped = false;
  let runs = 0;
  let failNext = true;
  sweepWhileListening(
    server,
    async () => {
      runs++;
      running++;
      overlapped ||= running > 1;
      // Slower than a turn: the next turn waits for this one.
      await new Promise((resolve) => setTimeout(resolve, 30));
      running--;
      if (failNext) {
        failNext = false;
        throw new Error('the database was away'); // tried again at the next turn
      }
    },
    10,
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(runs).toBe(0); // not before the server listens
  server.emit('listening');
  expect(runs).toBe(1); // at once
  await new Promise((resolve) => setTimeout(resolve, 300));
  // Swept again after the failed first one, one at a time.
  expect(runs).toBeGreaterThan(3);
  expect(overlapped).toBe(false);
  server.emit('close');
  // The sweep under way ends; the turns that came while it ran were skipped, not queued behind it, so none follows.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const atClose = runs;
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(runs).toBe(atClose);
});
