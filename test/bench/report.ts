/** The benchmark's tables: printed to the terminal and written as latest.md beside latest.json. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTENDERS, type ContenderName } from './contenders';
import { RESULTS_DIR, type BenchResults, type Figures, type ScenarioResult } from './results';
import type { AccessLogConditions } from './accessLog';
import { describeSettings, type DurabilitySettings } from './postgres';
import type { ScenarioName } from './scenarios';
import { formatWaitEvents, type WaitEventCounts } from './waitEvents';
import { nodeFlagsOf } from '../../runtime/nodeFlags';

/** How many answers were correct except for characters autocannon split between chunks, over the whole run. */
function splitDecodedTotal(results: BenchResults): number {
  let n = 0;
  for (const scenario of Object.values(results.scenarios)) {
    for (const f of Object.values(scenario ?? {})) if (typeof f === 'object' && f !== null) n += Number((f as Figures).splitDecoded ?? 0);
  }
  return n;
}

const LOAD_SCENARIOS: ScenarioName[] = ['unified', 'batch', 'statistics', 'verify'];
const PEERS: ContenderName[] = ['apolloGateway', 'hiveGateway', 'hiveGatewayRust', 'grafbaseRust', 'floor', 'floorAudited', 'floorSubgraphs'];

const fmt = (x: number | null | undefined, digits = 1) => (x === null || x === undefined ? '–' : x.toFixed(digits));
const times = (x: number | null | undefined) => (x === null || x === undefined ? '–' : `${x.toFixed(2)}x`);

function contendersIn(results: BenchResults): ContenderName[] {
  return CONTENDERS.filter((c) => c in results.contenders);
}

/** The main table: one row per scenario and contender. */
export function comparisonTable(results: BenchResults): string[] {
  const lines = [
    '| scenario | contender | rps | p50 ms | p99 ms | errors | incorrect | SQL/req (+ audit) | gateway CPU ms/req | (user / sys) | subgraphs CPU ms/req (sys) | gateway peak RSS MiB |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const s of LOAD_SCENARIOS) {
    const scenario = results.scenarios[s];
    if (!scenario) continue;
    for (const c of contendersIn(results)) {
      const f = scenario[c];
      if (!f) continue;
      if (f.rps === null) {
        lines.push(`| ${s} | ${c} | ${f.note ?? '–'} | | | | | | | | | |`);
        continue;
      }
      lines.push(
        `| ${s} | ${c} | ${fmt(f.rps, 0)} | ${fmt(f.p50Ms, 0)} | ${fmt(f.p99Ms, 0)} | ${f.errors} | ${f.incorrect} | ${fmt(f.sqlStatementsPerRequest, 1)} (+${fmt(f.auditStatementsPerRequest as number, 1)}) | ${fmt(f.gatewayCpuMsPerRequest, 2)} | ${fmt(f.gatewayUserMsPerRequest as number, 2)} / ${fmt(f.gatewaySysMsPerRequest as number, 2)} | ${fmt(f.subgraphsCpuMsPerRequest as number, 1)} (${fmt(f.subgraphsSysMsPerRequest as number, 1)}) | ${fmt(f.peakRssMb?.gateway, 0)} |`,
      );
    }
  }
  return lines;
}

/** This gateway against each peer: throughput, tail latency and gateway CPU as ratios. */
export function ratioTable(results: BenchResults): string[] {
  const peers = PEERS.filter((p) => p in results.contenders);
  if (peers.length === 0) return ['(no peer ran)'];
  const lines = [
    `| scenario | ${peers.map((p) => `rps this/${p}`).join(' | ')} | ${peers.map((p) => `p99 this/${p}`).join(' | ')} | ${peers.map((p) => `CPU this/${p}`).join(' | ')} |`,
    `|---|${peers.map(() => '---:|').join('').repeat(3)}`,
  ];
  for (const s of LOAD_SCENARIOS) {
    const r = results.scenarios[s]?.this?.ratios;
    if (!r) continue;
    lines.push(
      `| ${s} | ${peers.map((p) => times(r[p]?.rps)).join(' | ')} | ${peers.map((p) => times(r[p]?.p99Ms)).join(' | ')} | ${peers.map((p) => times(r[p]?.gatewayCpuMsPerRequest)).join(' | ')} |`,
    );
  }
  return lines;
}

/** CPU per request with every contender at the same request rate (measureAtFixedRate in run.ts), and this gateway's ratio to each. */
export function fixedRateTable(results: BenchResults): string[] {
  const lines: string[] = [];
  for (const s of LOAD_SCENARIOS) {
    const scenario = results.scenarios[s];
    const at = (name: string) => (scenario?.[name as keyof ScenarioResult] as Figures | undefined)?.atFixedRate as { rate: number; gatewayCpuMsPerRequest: number | null; p99Ms: number | null; errors: number | null; incorrect: number | null } | undefined;
    const mine = at('this');
    if (!mine) continue;
    if (lines.length === 0) lines.push('| scenario | rate (rps) | contender | gateway CPU ms/req | p99 ms | errors | incorrect | CPU this/contender |', '|---|---:|---|---:|---:|---:|---:|---:|');
    for (const name of ['this', ...PEERS]) {
      const f = at(name);
      if (!f) continue;
      const ratio = name === 'this' || !f.gatewayCpuMsPerRequest || !mine.gatewayCpuMsPerRequest ? '' : times(Math.round((mine.gatewayCpuMsPerRequest / f.gatewayCpuMsPerRequest) * 100) / 100);
      lines.push(`| ${s} | ${f.rate} | ${name} | ${fmt(f.gatewayCpuMsPerRequest, 2)} | ${fmt(f.p99Ms, 0)} | ${f.errors} | ${f.incorrect} | ${ratio} |`);
    }
  }
  return lines;
}

/** Each contender's CPU per request in each round, when the cells ran in rounds: how steady the comparison was. */
export function roundsTable(results: BenchResults): string[] {
  const lines: string[] = [];
  for (const s of LOAD_SCENARIOS) {
    for (const [name, f] of Object.entries(results.scenarios[s] ?? {})) {
      const rounds = typeof f === 'object' && f !== null ? ((f as Figures).rounds as Array<{ rps: number; gatewayCpuMsPerRequest: number }> | undefined) : undefined;
      if (!rounds) continue;
      if (lines.length === 0) lines.push('| scenario | contender | gateway CPU ms/req in each round | rps in each round |', '|---|---|---|---|');
      lines.push(`| ${s} | ${name} | ${rounds.map((r) => r.gatewayCpuMsPerRequest).join(' / ')} | ${rounds.map((r) => r.rps).join(' / ')} |`);
    }
  }
  return lines;
}

/** The PostgreSQL servers' durability settings (the same server for all three authorities gives one line). */
export function postgresLines(results: BenchResults): string[] {
  const byAuthority = results.meta.postgres as Record<string, DurabilitySettings> | undefined;
  if (!byAuthority) return [];
  const lines = new Map<string, string[]>();
  for (const [a, st] of Object.entries(byAuthority)) {
    const line = `PostgreSQL ${st.version}: ${describeSettings(st)}`;
    lines.set(line, [...(lines.get(line) ?? []), a]);
  }
  return [...lines].map(([line, authorities]) => (lines.size > 1 ? `${line} (${authorities.join(', ')})` : line));
}

/** What the authorities' sessions waited on under the unified-record load, per contender (PostgreSQL only). */
export function waitEventsTable(results: BenchResults): string[] {
  const unified = results.scenarios.unified;
  const rows = contendersIn(results).flatMap((c) => {
    const w = unified?.[c]?.waitEvents as WaitEventCounts | undefined;
    if (!w) return [];
    const active = Object.values(w.events).reduce((a, b) => a + b, 0);
    const locks = Object.entries(w.events).filter(([e]) => e.startsWith('Lock:')).reduce((a, [, n]) => a + n, 0);
    return [`| ${c} | ${w.samples} | ${fmt(active / Math.max(1, w.samples), 2)} | ${locks} | ${formatWaitEvents(w)}${w.error ? ` (sampling stopped: ${w.error})` : ''} |`];
  });
  if (rows.length === 0) return [];
  return ['| contender | samples | active sessions per sample | of them on a Lock | wait events (active sessions over all samples) |', '|---|---:|---:|---:|---|', ...rows];
}

/** Appends per second to one authority's access log, by store and number of writers. */
export function accessLogTable(results: BenchResults): string[] {
  const conditions = results.meta.accessLog as AccessLogConditions | undefined;
  if (!conditions) return [];
  const lines = ['| store | writers | appends/s | p50 ms | p99 ms | rows per INSERT |', '|---|---:|---:|---:|---:|---:|'];
  for (const [store, c] of Object.entries(conditions.stores)) {
    const cells = results.accessLog?.[store as keyof typeof results.accessLog];
    if (!cells) {
      lines.push(`| ${store} | ${c.note ?? 'not measured'} | | | | |`);
      continue;
    }
    for (const [writers, f] of Object.entries(cells)) {
      lines.push(`| ${store} | ${writers} | ${f.appendsPerSecond} | ${fmt(f.p50Ms, 2)} | ${fmt(f.p99Ms, 2)} | ${fmt(f.rowsPerInsert, 1)} |`);
    }
  }
  return lines;
}

/** Where each store of the access-log scenario ran, and its durability settings. */
function accessLogConditionLines(conditions: AccessLogConditions): string[] {
  return Object.entries(conditions.stores).map(
    ([store, c]) => `- ${store}: ${c.where}${c.settings ? `, ${c.settings.version}: ${describeSettings(c.settings)}` : ''}${c.note ? `; ${c.note}` : ''}.`,
  );
}

function propagationLines(p: ScenarioResult | undefined): string[] {
  const f = p?.this as (Figures & { changes?: number; maxMs?: number; underReadLoad?: Record<string, number> }) | undefined;
  if (!f) return [];
  const u = f.underReadLoad ?? {};
  return [
    '| load | changes | p50 ms | p99 ms | max ms | reads during run | read errors |',
    '|---|---:|---:|---:|---:|---:|---:|',
    `| at rest | ${f.changes} | ${fmt(f.p50Ms)} | ${fmt(f.p99Ms)} | ${fmt(f.maxMs)} | 0 | 0 |`,
    `| under read load (8 readers) | ${u.changes} | ${fmt(u.p50Ms)} | ${fmt(u.p99Ms)} | ${fmt(u.maxMs)} | ${u.readsDuringRun} | ${u.readErrors} |`,
  ];
}

export function printTables(results: BenchResults): void {
  const m = results.meta;
  if (LOAD_SCENARIOS.some((s) => results.scenarios[s])) {
    console.log(
      `\nComparison (${m.database}, ${m.persons} persons, ${m.connections} connections, ${m.durationSec} s per cell${m.quick ? '' : ' (batch twice)'} after ${m.warmupSec} s warm-up${Number(m.rounds ?? 1) > 1 ? `, in ${m.rounds} rounds` : ''}; ${m.cpus}; load average at start ${(m.loadAverageAtStart as number[]).join(' ')})`,
    );
    for (const l of postgresLines(results)) console.log(l);
    for (const l of comparisonTable(results)) console.log(l);
    console.log('\nThis gateway divided by each peer (rps > 1: faster; p99 and CPU < 1: better)');
    for (const l of ratioTable(results)) console.log(l);
  }
  const fixed = fixedRateTable(results);
  if (fixed.length) {
    console.log('\nCPU per request with every contender at the same request rate (half the slowest one\'s throughput)');
    for (const l of fixed) console.log(l);
  }
  const waits = waitEventsTable(results);
  if (waits.length) {
    console.log('\nWhat the authorities\' PostgreSQL sessions waited on under the unified-record load (pg_stat_activity every 100 ms)');
    for (const l of waits) console.log(l);
  }
  const prop = propagationLines(results.scenarios.propagation);
  if (prop.length) {
    console.log('\nLifecycle propagation through this gateway (mutation response -> effect applied by J-LIS)');
    for (const l of prop) console.log(l);
  }
  const log = results.meta.accessLog as AccessLogConditions | undefined;
  if (log) {
    console.log(`\nAccess log: appends to the ${log.authority} log, one row per call, each writer awaiting its append (${log.durationSec} s per cell; ${log.writer})`);
    for (const l of accessLogConditionLines(log)) console.log(l);
    for (const l of accessLogTable(results)) console.log(l);
  }
  if (results.profile) {
    console.log(`\nWhere this gateway's CPU goes (profile of the ${results.profile.scenario} load, ${results.profile.busyMs} ms busy):`);
    for (const l of results.profile.layers.slice(0, 8)) console.log(`  ${l.percentOfBusy.toFixed(1).padStart(5)}%  ${l.layer}`);
  }
}

export function writeMarkdown(file: string, results: BenchResults): void {
  const m = results.meta;
  const out: string[] = [];
  out.push(`# Benchmark: this gateway and its peers`, '');
  out.push(`\`${m.command}\`, ${m.startedAt} – ${m.finishedAt} (${m.elapsedSec} s).`, '');
  out.push('## Conditions', '');
  out.push(`- Machine: ${m.cpus}, ${m.memoryGb} GiB, Node ${m.node}. Load average at start ${(m.loadAverageAtStart as number[]).join(' ')}, at end ${(m.loadAverageAtEnd as number[]).join(' ')} (other work on the machine shares the cores).`);
  out.push(`- Subgraphs: three processes on ${m.database}, ${m.persons} generated persons (seed ${m.seed}) plus the personas; shared by every contender.`);
  out.push(
    `- Node flags: this gateway and the subgraphs run with those \`npm start\` gives them (runtime/nodeFlags.ts: ${['gateway/index.ts', 'subgraphs/immigration/index.ts'].map((s) => `${s} ${nodeFlagsOf(s).join(' ')}`).join('; ')}); the Node peers and the floor with Node's defaults.`,
  );
  for (const l of postgresLines(results)) out.push(`- ${l} (checked at the start: the benchmark runs only on PostgreSQL whose commits wait for the disk).`);
  out.push(`- Load: autocannon in its own process, ${m.connections} connections, ${m.warmupSec} s warm-up then ${m.durationSec} s measured${m.quick ? '' : ' (the batch twice as long)'}, per scenario and contender${Number(m.rounds ?? 1) > 1 ? ` in ${m.rounds} rounds (the contenders take turns, in reverse order every other round, each round a ${m.rounds}th of the measured time after a 1 s warm-up, the full warm-up before the first; rates and CPU over all rounds, latency percentiles over all rounds' requests from autocannon's merged histograms), so that a slow spell of the shared machine falls on every contender` : ''}, after the previous run's requests have drained (${m.subgraphWarmupSec ? `before each scenario, its load runs for ${m.subgraphWarmupSec} s through the floor, figures discarded, so that the subgraphs all contenders share are warm before the first one is measured` : 'in --quick the subgraphs are not warmed first, so the first contender of each scenario pays for warming them'}); SQL per request counted exactly on a few requests sent one at a time (3; 1 for the batch); every 2xx body compared with the expected JSON (exactly, except that autocannon appends each TCP chunk to the body as a string, so a multi-byte character split between two chunks arrives as U+FFFD: a body that differs only there, character for character, is counted correct; ${splitDecodedTotal(results)} such bodies in this run).`);
  out.push('- Expected answers: computed once before any load by asking the three authorities directly with fixed operations (test/bench/subgraphDirect.ts), for persons drawn from the seeded population.');
  out.push(`- Floor: \`${m.floor}\` — ${m.floor === 'sql' ? 'one process answering straight from the three PostgreSQL databases with SQL (no GraphQL, no policy checks, no access log); `floorAudited`, the honest floor, is the same process writing the access-log rows the subgraphs write (one per person read per authority, through AccessLogWriter) before it answers.' : 'on the embedded default each database lives inside its subgraph process, so the floor is the hand-written query plan over the same subgraph processes (no client-side parse, validation or planning); its figures are the lower bound of the routing tier, not of the whole stack.'}`);
  out.push("- `gateway CPU ms/req`: the contender process's user+system CPU time (/proc/<pid>/stat) over the measured run, divided by the requests answered; `(user / sys)` splits it into its own JavaScript and the kernel (mostly socket reads and writes to the client and the subgraphs, which every contender pays per subgraph call; it grows when the machine is busy). `subgraphs CPU ms/req`: the same for the three subgraph processes together. The peers forward pre-signed long-lived principals (one per subgraph); this gateway verifies the caller's JWT or API key on every request (a verified token is remembered until it expires) and forwards a 60-second principal per subgraph, reused by the same caller for up to 30 s.");
  out.push('- Versions: ' + Object.entries(m.versions as Record<string, string>).map(([k, v]) => `${k} ${v}`).join(', ') + '.', '');
  out.push('## Comparison', '', ...comparisonTable(results), '');
  out.push('This gateway divided by each peer (rps > 1: faster; p99 and CPU < 1: better):', '', ...ratioTable(results), '');
  const fixed = fixedRateTable(results);
  if (fixed.length) {
    out.push(
      "CPU per request with every contender at the same request rate, half the slowest contender's throughput in the scenario, in rounds as above (at full load the two cores are saturated, and a contender's CPU per request rises with the contention, which the fastest contender, driving the subgraphs hardest, suffers most):",
      '',
      ...fixed,
      '',
    );
  }
  const rounds = roundsTable(results);
  if (rounds.length) out.push('Each round, in the order run (the contenders took turns, in reverse order every other round):', '', ...rounds, '');
  out.push('SQL/req: statements the three subgraphs sent for one client request (`subgraph_db_statements_total{source="request"}`), counted on a few requests sent one at a time; `+ audit`: the statements of the access log (`source="audit"`: its rows, shared by concurrent requests, and the timed work of its sequencer, checkpoints and witnesses) over the measured load, per request. The SQL floor counts its own statements (it writes no access log).', '');
  out.push('## Contenders', '');
  for (const [name, c] of Object.entries(results.contenders)) {
    const extra = name === 'hiveGatewayRust' && 'rustPlannerLoaded' in c ? ` Rust planner addon mapped into the process: ${c.rustPlannerLoaded ? 'yes' : 'NO'}.` : '';
    out.push(`- \`${name}\`: ${c.title}. ${c.available ? `Ran; peak RSS ${c.peakRssMb} MiB.` : `Did not run: ${c.reason}`}${extra}`);
  }
  out.push('', 'Peak resident memory per process over the whole run (VmHWM, MiB): ' + Object.entries(results.processes).map(([k, v]) => `${k} ${v.peakRssMb}`).join(', ') + '.', '');
  const notes = LOAD_SCENARIOS.flatMap((s) =>
    Object.entries(results.scenarios[s] ?? {})
      .filter(([, f]) => typeof f === 'object' && f !== null && ((f as Figures).sampleIncorrect || (f as Figures).note))
      .map(([c, f]) => `- ${s} / ${c}: ${(f as Figures).note ?? ''}${(f as Figures).sampleIncorrect ? ` first wrong or failed answer: \`${(f as Figures).sampleIncorrect}\`` : ''}`),
  );
  if (notes.length) out.push('Notes:', '', ...notes, '');
  out.push(
    '## Statistics',
    '',
    'The `statistics` row: the 45 one- and two-way tables of the ISA dimensions (some sliced by a filter), asked in turn by an ' +
      'analyst; every answer compared with the table the ISA subgraph gives directly. National-scale figures: `npm run bench:statistics`.',
    '',
  );
  const waits = waitEventsTable(results);
  if (waits.length) {
    out.push(
      "What the authorities' PostgreSQL sessions waited on during each contender's measured unified-record load: `pg_stat_activity` every 100 ms, the active sessions of the three databases by `wait_event_type:wait_event` (`CPU`: waiting on nothing). `Lock:*` is a session queueing behind another's lock (the hash chain's head row was one); `IO:WALSync` and `LWLock:WALWrite` are commits waiting for the disk.",
      '',
      ...waits,
      '',
    );
  }
  out.push('## Lifecycle propagation', '', results.scenarios.propagation?.note ?? 'not run', '', ...propagationLines(results.scenarios.propagation), '');
  const log = m.accessLog as AccessLogConditions | undefined;
  if (log) {
    out.push(
      '## Access log',
      '',
      `Appends to the ${log.authority} authority's access log (every authority keeps the same log in its own database), through ${log.writer}: 1, 16 and 64 writers, each appending one row per call (the row of one person of a unified-record read) and awaiting it before the next, as concurrent requests do; ${log.durationSec} s per cell after a ${log.warmupSec} s warm-up per store, in a fresh database (migrations: ${log.migrations.join(', ')}). Latency is from the call to its commit. Every resolved append was checked to be in the log.`,
      '',
      ...accessLogConditionLines(log),
      '',
      ...accessLogTable(results),
      '',
    );
  }
  const p = results.profile;
  if (p) {
    out.push("## Where this gateway's CPU goes", '');
    out.push(`\`${p.command}\` under the ${p.scenario} load; ${p.note}. Busy ${p.busyMs} ms of ${p.totalMs} ms sampled.`, '');
    out.push('| layer | ms | % of busy | ms per request |', '|---|---:|---:|---:|');
    for (const l of p.layers) out.push(`| ${l.layer} | ${l.ms} | ${l.percentOfBusy} | ${l.msPerRequest ?? '–'} |`);
    out.push('', 'Top self time:', '', '| function | where | self ms | % of busy |', '|---|---|---:|---:|');
    for (const t of p.topSelf) out.push(`| ${t.function.replace(/\|/g, '\\|')} | ${t.where} | ${t.selfMs} | ${t.percentOfBusy} |`);
    out.push('');
  }
  for (const sp of results.subgraphProfiles ?? []) {
    out.push(`## Subgraph profile: ${sp.authority}`, '', `\`${sp.file.split('/').slice(-3).join('/')}\`, the measured seconds of one more ${sp.scenario ?? 'unified'} load through this gateway (${sp.requests} requests, under the profiler). Busy ${sp.busyMs} ms of ${sp.totalMs} ms sampled; by /proc the process spent ${sp.cpuMsPerRequest} ms of CPU per request.`, '');
    out.push('| layer | ms | % of busy | ms per request |', '|---|---:|---:|---:|');
    for (const l of sp.layers) out.push(`| ${l.layer} | ${l.ms} | ${l.percentOfBusy} | ${l.msPerRequest ?? '–'} |`);
    out.push('', '| function | where | self ms | % of busy |', '|---|---|---:|---:|');
    for (const t of sp.topSelf.slice(0, 10)) out.push(`| ${t.function.replace(/\|/g, '\\|')} | ${t.where} | ${t.selfMs} | ${t.percentOfBusy} |`);
    out.push('');
  }
  writeFileSync(file, `${out.join('\n')}\n`);
}

/** Writes latest.json and latest.md, and a copy of each named for the run, then prints the tables. */
export function writeReport(results: BenchResults, quick: boolean): void {
  // latest.* is what tools read; a copy per run keeps a full run from being overwritten by the next quick one.
  const stamp = `${(results.meta.startedAt as string).replace(/[:.]/g, '-')}-${quick ? 'quick' : 'full'}`;
  for (const name of ['latest', stamp]) {
    writeFileSync(join(RESULTS_DIR, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
    writeMarkdown(join(RESULTS_DIR, `${name}.md`), results);
  }
  printTables(results);
  console.log(`\nWrote test/bench/results/latest.json and latest.md (and ${stamp}.*) in ${results.meta.elapsedSec} s.`);
}
