import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A fixed demo person from seeds/personas.json. */
export interface Persona {
  key: number;
  myNumber: string | null;
  residenceCardNumber: string | null;
  scenario: string;
  description?: string;
  expected: { cardArrangement: string; eligibility: string; eligibilityReason: string };
}

export const personas: Persona[] = JSON.parse(readFileSync(join(__dirname, '..', 'seeds', 'personas.json'), 'utf8'));

/** The persona of a scenario (throws when there is none, so a renamed scenario fails loudly). */
export function persona(scenario: string): Persona {
  const found = personas.find((p) => p.scenario === scenario);
  if (!found) throw new Error(`No persona for scenario ${scenario}: ${personas.map((p) => p.scenario).join(', ')}`);
  return found;
}

/** Polls until `check` returns a value (readiness, not a fixed sleep); fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
