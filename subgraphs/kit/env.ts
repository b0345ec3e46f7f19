/** Environment variables, as `process.env` holds them. */
export type Env = Record<string, string | undefined>;

/** Defaults overridden by environment variables; a value that is not a positive integer is a configuration error. */
export function integersFromEnv<K extends string>(defaults: Readonly<Record<K, number>>, names: Record<K, string>, env: Env): Record<K, number> {
  const values: Record<K, number> = { ...defaults };
  for (const key of Object.keys(names) as K[]) {
    const raw = env[names[key]];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${names[key]} must be a positive integer, not "${raw}"`);
    values[key] = value;
  }
  return values;
}
