/**
 * Fails when the last benchmark run (results/latest.json, or the file named) got an error or an answer unlike the
 * subgraphs' own: CI runs the quick benchmark and this after it, so the benchmark keeps running as the system
 * changes (a change in what the subgraphs answer once stopped it at its start, unseen).
 *
 * Counted against the run: a measured cell (scenario and contender) with errors, incorrect answers or nothing
 * answered, in its warm-up, its rounds or at the fixed rate; a scenario that failed for a contender; an access-log
 * store that could not be measured. Reported without failing: a contender that did not run (not selected, or not
 * for this database), a scenario that does not apply to it, and PostgreSQL's access-log store on a machine without
 * PostgreSQL.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Counts {
  errors?: number | null;
  incorrect?: number | null;
}

interface Cell extends Counts {
  requests?: number;
  /** The propagation scenario counts changes, not requests. */
  changes?: number;
  note?: string;
  warmup?: Counts;
  atFixedRate?: Counts;
  underReadLoad?: { readErrors: number };
}

interface Results {
  scenarios: Record<string, Record<string, Cell | string>>;
  meta?: { accessLog?: { stores?: Record<string, { note?: string }> } };
}

const file = process.argv[2] ?? join(__dirname, 'results', 'latest.json');
const latest = JSON.parse(readFileSync(file, 'utf8')) as Results;
const problems: string[] = [];
const skipped: string[] = [];
let measured = 0;
const bad = (c: Counts | undefined) => (c?.errors ?? 0) + (c?.incorrect ?? 0);

for (const [scenario, byContender] of Object.entries(latest.scenarios)) {
  for (const [contender, cell] of Object.entries(byContender)) {
    if (typeof cell !== 'object' || cell === null) continue;
    const where = `${scenario}/${contender}`;
    if (cell.note?.startsWith('failed')) {
      problems.push(`${where}: ${cell.note}`);
      continue;
    }
    if (cell.note?.startsWith('did not run') || cell.note?.startsWith('not applicable')) {
      skipped.push(`${where}: ${cell.note.split(':')[0]}`);
      continue;
    }
    measured++;
    const done = cell.requests ?? cell.changes ?? 0;
    const wrong = bad(cell) + bad(cell.warmup) + bad(cell.atFixedRate) + (cell.underReadLoad?.readErrors ?? 0);
    if (wrong > 0 || done === 0) problems.push(`${where}: ${done} done, ${wrong} errors or incorrect answers`);
  }
}
for (const [store, conditions] of Object.entries(latest.meta?.accessLog?.stores ?? {})) {
  if (!conditions.note) continue;
  // A machine without PostgreSQL measures the embedded store only.
  if (conditions.note.includes('No PostgreSQL binaries')) skipped.push(`access-log/${store}: no PostgreSQL binaries`);
  else problems.push(`access-log/${store}: ${conditions.note}`);
}
if (measured === 0) problems.push(`no measured cell in ${file}`);
if (skipped.length > 0) console.log(`Not measured (not counted against the run):\n  ${skipped.join('\n  ')}`);
if (problems.length > 0) {
  console.error(`Benchmark check failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`Benchmark check: ${measured} cells measured, no errors, every answer as the subgraphs gave it.`);
