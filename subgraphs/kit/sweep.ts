import type { Server } from 'node:http';

/** How often a running subgraph looks for records whose date has passed. */
export const SWEEP_EVERY_MS = 3600 * 1000;

/**
 * Runs a sweep of records whose date has passed while the server listens: at once, then every `everyMs`, so a new day
 * is recorded within the hour without anyone acting on the records. One at a time: a turn that comes while a sweep
 * is still under way is skipped (that sweep covers it). A failed sweep is tried again at the next turn (the records it
 * left are still past their date).
 */
export function sweepWhileListening(server: Server, sweep: () => Promise<unknown>, everyMs = SWEEP_EVERY_MS): void {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  const turn = () => {
    if (running) return;
    running = true;
    void sweep()
      .catch(() => undefined)
      .finally(() => {
        running = false;
      });
  };
  server.on('listening', () => {
    turn();
    timer = setInterval(turn, everyMs);
    timer.unref();
  });
  server.on('close', () => clearInterval(timer));
}
