import type { DataSource } from 'typeorm';
import { writeAccessLogRows, type AuditRow } from '../audit';
import type { Authority } from '../../../runtime/authority';
import type { Principal } from '../../../runtime/principal';

interface Pending {
  principal: Principal;
  rows: AuditRow[];
  done: (err?: unknown) => void;
}

/** Appends written at once; the next one gathers every row that arrives meanwhile. */
const IN_FLIGHT = 4;

/**
 * Appends access-log rows with group commit: the rows of every request that asks while appends are being written
 * go into the next one, a single INSERT in a transaction of its own, so concurrent requests share one commit (one
 * WAL flush) instead of queueing behind each other's. `append` resolves only once its rows are committed: nothing
 * is answered that is not logged, and when the append fails every request in it fails.
 */
export class AccessLogWriter {
  private queue: Pending[] = [];
  private writing = 0;

  constructor(
    private readonly db: DataSource,
    private readonly provider: Authority,
  ) {}

  append(principal: Principal, rows: AuditRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.queue.push({ principal, rows, done: (err) => (err ? reject(err) : resolve()) });
      if (this.writing < IN_FLIGHT) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing++;
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        await writeAccessLogRows(this.db, this.provider, batch.flatMap((p) => p.rows.map((row) => ({ principal: p.principal, row }))));
        batch.forEach((p) => p.done());
      } catch (err) {
        batch.forEach((p) => p.done(err));
      }
    }
    this.writing--;
  }
}
