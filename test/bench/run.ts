import { parseArgs } from 'node:util';
import { databaseKind, startStack } from '../harness';
import { measurePropagation } from './propagation';

/** `npm run bench`: prints the figures; `--quick` runs fewer changes. */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, changes: { type: 'string' } } });
  const changes = Number(values.changes ?? (values.quick ? 200 : 1000));
  console.log(`Starting the stack on ${databaseKind} (in-process servers, HTTP between gateway and subgraphs)...`);
  const stack = await startStack({ persons: 2000 });
  try {
    const rows: Array<[string, Awaited<ReturnType<typeof measurePropagation>>]> = [];
    rows.push(['at rest', await measurePropagation(stack, { changes, readers: 0, offset: 0 })]);
    rows.push(['under read load (8 readers)', await measurePropagation(stack, { changes, readers: 8, offset: 100 })]);
    console.log(`\nLifecycle propagation (${databaseKind}): mutation response -> effect applied by the other authority`);
    console.log('| load | changes | p50 ms | p99 ms | max ms | reads during run | read errors |');
    console.log('|---|---|---|---|---|---|---|');
    for (const [name, r] of rows) {
      console.log(`| ${name} | ${r.changes} | ${r.p50Ms.toFixed(1)} | ${r.p99Ms.toFixed(1)} | ${r.maxMs.toFixed(1)} | ${r.readsDuringRun} | ${r.readErrors} |`);
    }
  } finally {
    await stack.stop();
  }
}

void main().catch((err: Error) => {
  console.error(err);
  process.exit(1);
});
