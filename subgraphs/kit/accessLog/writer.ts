import type { DataSource } from 'typeorm';
import { writeAccessLogRows, type AuditRow } from '../audit';
import type { Authority } from '../../../runtime/authority';
import type { Principal } from '../../../runtime/principal';

interface Pending {
  principal: Principal;
  rows: AuditRow[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Appends access-log rows with group commit: one append is written at a time, and the rows of every request that
 * asks meanwhile go into the next one, a single INSERT in a transaction of its own, so concurrent requests share
 * one commit (one WAL flush) instead of queueing behind each other's. With one append at a time a commit gathers
 * every row that arrived during the last: fewer, larger INSERTs, more appends per second and a lower p99 than
 * with several under way (docs/performance.md, "Group commit"). `append` resolves only once its rows are committed: nothing
 * is answered that is not logged. When the append fails every request in it fails, and every request waiting for
 * the next, unless the server refused a value: then each request's rows are tried alone, and only the request whose
 * rows cannot be stored fails.
 */
export class AccessLogWriter {
  private queue: Pending[] = [];
  private writing = false;

  constructor(
    private readonly db: DataSource,
    private readonly provider: Authority,
  ) {}

  append(principal: Principal, rows: AuditRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.queue.push({ principal, rows, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        await this.write(batch);
        batch.forEach((p) => p.resolve());
      } catch (err) {
        if (!refusedValues(err)) {
          // The log is not taking rows (a lock, a stalled disk, a lost connection): every request that asked while
          // this append was tried fails with it, rather than wait as long again for its own.
          const waiting = this.queue;
          this.queue = [];
          [...batch, ...waiting].forEach((p) => p.reject(err));
          continue;
        }
        if (batch.length < 2) {
          batch[0]!.reject(err);
          continue;
        }
        // The server refused a value and wrote nothing: one request's rows (a claim PostgreSQL cannot store) must
        // not fail the requests that happened to share its commit. Each is written on its own.
        for (const [i, p] of batch.entries()) {
          try {
            await this.write([p]);
            p.resolve();
          } catch (alone) {
            if (refusedValues(alone)) {
              p.reject(alone);
              continue;
            }
            // The log stopped taking rows meanwhile: the rest, and every request waiting for the next append, fail
            // with this one, not each after a wait of its own.
            const waiting = this.queue;
            this.queue = [];
            [...batch.slice(i), ...waiting].forEach((q) => q.reject(alone));
            break;
          }
        }
      }
    }
    this.writing = false;
  }

  private write(batch: Pending[]): Promise<void> {
    return writeAccessLogRows(this.db, this.provider, batch.flatMap((p) => p.rows.map((row) => ({ principal: p.principal, row }))));
  }
}

/** A refusal of the rows' values (SQLSTATE data or integrity class): the statement wrote nothing. */
function refusedValues(err: unknown): boolean {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}
