/**
 * The orchestrator's side of the load generator (load.ts): one child process for the whole run, so its CPU is
 * not the contenders', given one job per scenario and contender over IPC.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { LoadConfig, LoadResult } from './load';
import { ROOT } from './stack';

export class LoadGenerator {
  private readonly child = fork(join(__dirname, 'load.ts'), [], { execArgv: ['--import', 'tsx'], cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });

  /** Warm-up, then (after `before` has read the counters) the measured run. */
  run(config: LoadConfig, before: () => Promise<void>): Promise<{ warm?: LoadResult; result: LoadResult }> {
    return new Promise((resolve, reject) => {
      let warm: LoadResult | undefined;
      const onExit = (code: number | null) => reject(new Error(`the load generator exited (${code})`));
      const onMessage = (m: { phase: 'warm' | 'done' | 'failed'; result: LoadResult; error?: string }) => {
        if (m.phase === 'warm') {
          warm = m.result;
          void before().then(() => this.child.send({ type: 'go' }));
          return;
        }
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        if (m.phase === 'failed') reject(new Error(m.error));
        else resolve({ warm, result: m.result });
      };
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
      this.child.send({ type: 'job', config });
    });
  }

  close(): void {
    if (this.child.connected) this.child.disconnect();
  }
}
