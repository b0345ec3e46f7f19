/**
 * Fails when the last benchmark run (results/latest.json) got an error or an answer that differs from the
 * subgraphs' own: CI runs the quick benchmark and this after it, so the benchmark keeps running as the system
 * changes (a change in what the subgraphs answer once stopped it at its start, unseen).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Cell {
  errors?: number;
  incorrect?: number;
  requests?: number;
  /** The propagation scenario counts changes, not requests. */
  changes?: number;
  underReadLoad?: { readErrors: number };
  warmup?: { errors: number; incorrect: number };
}

const file = process.argv[2] ?? join(__dirname, 'results', 'latest.json');
const latest = JSON.parse(readFileSync(file, 'utf8')) as { scenarios: Record<string, Record<string, Cell | string>> };
const problems: string[] = [];
let cells = 0;
for (const [scenario, byContender] of Object.entries(latest.scenarios)) {
  for (const [contender, cell] of Object.entries(byContender)) {
    if (typeof cell !== 'object' || cell === null || !('errors' in cell)) continue;
    cells++;
    const done = cell.requests ?? cell.changes ?? 0;
    const bad = (cell.errors ?? 0) + (cell.incorrect ?? 0) + (cell.warmup?.errors ?? 0) + (cell.warmup?.incorrect ?? 0) + (cell.underReadLoad?.readErrors ?? 0);
    if (bad > 0 || done === 0) problems.push(`${scenario}/${contender}: ${done} done, ${bad} errors or incorrect answers`);
  }
}
if (cells === 0) problems.push(`no measured cell in ${file}`);
if (problems.length > 0) {
  console.error(`Benchmark check failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`Benchmark check: ${cells} cells, no errors, every answer as the subgraphs gave it.`);
