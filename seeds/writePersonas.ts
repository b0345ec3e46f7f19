/** Writes seeds/personas.json from personas.ts: `npx tsx seeds/writePersonas.ts`. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { personaSummaries } from './personas';

/** The file the suites and the README read. */
export const PERSONAS_JSON = join(__dirname, 'personas.json');

/** The exact text of personas.json (2-space JSON, trailing newline). */
export function personasJson(): string {
  return `${JSON.stringify(personaSummaries(), null, 2)}\n`;
}

if (require.main === module) {
  writeFileSync(PERSONAS_JSON, personasJson());
  console.log(`wrote ${PERSONAS_JSON}`);
}
