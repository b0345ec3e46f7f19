/**
 * `npm run soak -- --seconds N [--clients 8] [--persons 500] [--stop registry|immigration]`: a mixed load through
 * the gateway (production mode, safelist enforced, operations sent by hash) for N seconds, while one authority is
 * stopped at 25 % of the run and started again at 55 %. Prints errors by kind, the share of correct responses,
 * latency and memory over time, and exits 1 when any response was wrong, anything crashed, or memory did not
 * come back to its level.
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { startStack, type Stack } from '../harness';
import { prepareWorkload, type StoppableAuthority, type Verdict } from './workload';

// Before anything builds a logger: one line per request would drown the report.
process.env.LOG_LEVEL ??= 'silent';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    clients: { type: 'string', default: '8' },
    persons: { type: 'string', default: '500' },
    stop: { type: 'string', default: 'registry' },
  },
});
const SECONDS = Number(values.seconds);
const CLIENTS = Number(values.clients);
const PERSONS = Number(values.persons);
const STOPPED = values.stop as StoppableAuthority;
if (!(SECONDS >= 10) || !(CLIENTS >= 1) || !['registry', 'immigration'].includes(STOPPED)) {
  console.error('Usage: npm run soak -- --seconds N (at least 10) [--clients 8] [--persons 500] [--stop registry|immigration]');
  process.exit(2);
}

/** Subgraph call policy of the soak's gateway: the defaults, with a shorter half-open delay so recovery shows. */
const RESILIENCE = { timeoutMs: 3000, breakAfter: 5, halfOpenAfterMs: 2000, retryDelayMs: 50 };

interface Sample {
  at: number;
  heapMb: number;
  rssMb: number;
  requests: number;
  circuit: number;
}

const MB = 1024 * 1024;
const round = (n: number, digits = 1) => Number(n.toFixed(digits));
const gc = (globalThis as { gc?: () => void }).gc;

async function settledHeap(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 200));
  }
  return process.memoryUsage().heapUsed / MB;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : 0;
}

async function circuitState(stack: Stack): Promise<number> {
  const metric = await stack.metrics.gateway.registry.getSingleMetric('gateway_circuit_state')?.get();
  return metric?.values.find((v) => v.labels.subgraph === STOPPED)?.value ?? 0;
}

async function healthy(stack: Stack): Promise<string[]> {
  const urls = [stack.gatewayUrl, ...Object.values(stack.subgraphUrls)].map((u) => u.replace('/graphql', '/health'));
  const answers = await Promise.all(urls.map((u) => fetch(u).then((r) => r.status, () => 0)));
  return urls.filter((_, i) => answers[i] !== 200);
}

async function main(): Promise<void> {
  let unexpected = 0;
  process.on('unhandledRejection', () => unexpected++);
  process.on('uncaughtException', () => unexpected++);

  console.log(`Soak: starting the stack (${PERSONS} persons per authority, in this process)…`);
  const stack = await startStack({
    persons: PERSONS,
    gateway: { production: true, safelist: { mode: 'enforce' }, resilience: RESILIENCE },
  });
  const workload = await prepareWorkload(stack, CLIENTS);
  const heapBefore = await settledHeap();
  const rssBefore = process.memoryUsage().rss / MB;

  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const stopAt = SECONDS * 0.25;
  const restartAt = SECONDS * 0.55;
  // Partial answers are right from the stop until the circuit has probed the restarted authority back.
  const recoveredBy = restartAt + (RESILIENCE.halfOpenAfterMs + RESILIENCE.timeoutMs) / 1000 + 1;
  let stoppedAt: number | null = null;
  let restartedAt: number | null = null;

  const byOperation = new Map<string, number>();
  const byKind = new Map<string, number>();
  const latencies: number[] = [];
  let full = 0;
  let partial = 0;
  let wrong = 0;
  let total = 0;

  const running = () => elapsed() < SECONDS;
  const clients = Array.from({ length: CLIENTS }, async (_, client) => {
    for (let tick = 0; running(); tick++) {
      const job = workload.next(client, tick);
      const sentAt = elapsed();
      let verdict: Verdict;
      try {
        const response = await job.send();
        const inOutage = stoppedAt !== null && elapsed() >= stoppedAt && sentAt <= recoveredBy;
        verdict = job.check(response, inOutage ? STOPPED : null);
      } catch (err) {
        verdict = { correct: false, kind: `request failed: ${(err as Error).name}` };
      }
      latencies.push((elapsed() - sentAt) * 1000);
      total++;
      byOperation.set(job.operation, (byOperation.get(job.operation) ?? 0) + 1);
      if (verdict.correct && verdict.kind === 'full') full++;
      else if (verdict.correct) partial++;
      else wrong++;
      if (!(verdict.correct && verdict.kind === 'full')) {
        const kind = verdict.correct ? `AUTHORITY_UNAVAILABLE(${STOPPED}), expected partial data` : `WRONG: ${verdict.kind}`;
        byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
      }
    }
  });

  const samples: Sample[] = [];
  const circuitChanges: string[] = [];
  let lastCircuit = 0;
  const sampler = (async () => {
    while (running()) {
      const memory = process.memoryUsage();
      const circuit = await circuitState(stack);
      if (circuit !== lastCircuit) circuitChanges.push(`${round(elapsed())} s ${['closed', 'open', 'half-open'][circuit]}`);
      lastCircuit = circuit;
      samples.push({ at: elapsed(), heapMb: memory.heapUsed / MB, rssMb: memory.rss / MB, requests: total, circuit });
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  const faults = (async () => {
    await new Promise((r) => setTimeout(r, stopAt * 1000));
    stoppedAt = elapsed();
    await stack.stopSubgraph(STOPPED);
    await new Promise((r) => setTimeout(r, Math.max(0, (restartAt - elapsed()) * 1000)));
    await stack.startSubgraph(STOPPED);
    restartedAt = elapsed();
  })();

  await Promise.all([...clients, sampler, faults]);
  const seconds = elapsed();
  await new Promise((r) => setTimeout(r, 2000));
  const heapAfter = await settledHeap();
  const rssAfter = process.memoryUsage().rss / MB;
  const unhealthy = await healthy(stack);
  await stack.stop();

  const sorted = latencies.sort((a, b) => a - b);
  const peakHeap = Math.max(...samples.map((s) => s.heapMb));
  const peakRss = Math.max(...samples.map((s) => s.rssMb));
  // Heap back within 10 % (and 16 MB) of where it started: the V8 heap, which is what a leak would grow.
  const memoryFlat = heapAfter <= heapBefore * 1.1 + 16;

  const lines: string[] = [];
  const out = (line = '') => lines.push(line);
  out();
  out(`Soak report — ${round(seconds)} s, ${CLIENTS} clients, gateway in production mode (safelist enforced, operations by hash)`);
  out(`  ${STOPPED} stopped at ${round(stoppedAt ?? 0)} s, started again at ${round(restartedAt ?? 0)} s; circuit: ${circuitChanges.join(', ') || 'never opened'}`);
  out(`  requests: ${total} (${round(total / seconds)} per second)`);
  out(`    ${[...byOperation].sort((a, b) => b[1] - a[1]).map(([op, n]) => `${op} ${n}`).join(', ')}`);
  out(`  correct: ${full + partial}/${total} (${round(((full + partial) / Math.max(1, total)) * 100, 2)} %)`);
  out(`    full data: ${full}; expected partial data with AUTHORITY_UNAVAILABLE(${STOPPED}) only: ${partial}`);
  out(`  incorrect: ${wrong}`);
  out('  errors by kind:');
  if (byKind.size === 0) out('    none');
  for (const [kind, n] of [...byKind].sort((a, b) => b[1] - a[1])) out(`    ${kind}: ${n}`);
  out(`  latency ms: p50 ${round(percentile(sorted, 50))}, p95 ${round(percentile(sorted, 95))}, p99 ${round(percentile(sorted, 99))}, max ${round(sorted.at(-1) ?? 0)}`);
  out('  memory over time (whole process: gateway, three subgraphs, three embedded databases):');
  out('      s   heap MB   rss MB   requests  circuit');
  const every = Math.max(1, Math.round(samples.length / 12));
  for (const s of samples.filter((_, i) => i % every === 0 || i === samples.length - 1)) {
    out(`    ${s.at.toFixed(0).padStart(3)}  ${s.heapMb.toFixed(0).padStart(8)} ${s.rssMb.toFixed(0).padStart(8)} ${String(s.requests).padStart(10)}  ${['closed', 'open', 'half-open'][s.circuit]}`);
  }
  out(`  heap: ${round(heapBefore)} MB before the load, ${round(peakHeap)} MB at peak, ${round(heapAfter)} MB after (${memoryFlat ? 'back to its level' : 'NOT back to its level'}; ${gc ? 'after forced GC' : 'no --expose-gc'})`);
  out(`  rss: ${round(rssBefore)} MB before, ${round(peakRss)} MB at peak, ${round(rssAfter)} MB after (includes PGlite's WebAssembly memory, which only grows)`);
  out(`  processes: ${unhealthy.length === 0 ? 'no crash, /health 200 on the gateway and the three subgraphs' : `UNHEALTHY: ${unhealthy.join(', ')}`}; unexpected errors in the process: ${unexpected}`);
  console.log(lines.join('\n'));
  process.exit(wrong === 0 && unhealthy.length === 0 && unexpected === 0 && memoryFlat ? 0 : 1);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
