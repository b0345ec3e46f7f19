import { readFileSync } from 'node:fs';

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

/**
 * A secret from the environment: `NAME` itself, or the contents of the file `NAME_FILE` names (a Docker or
 * Kubernetes secret mounted as a file; trailing line breaks dropped), else undefined. Setting both is an error,
 * as in the postgres image's `POSTGRES_PASSWORD_FILE`.
 */
export function secretFromEnv(env: Env, name: string): string | undefined {
  const value = env[name];
  const file = env[`${name}_FILE`];
  if (value && file) throw new Error(`${name} and ${name}_FILE are both set: set one`);
  if (file) return readFileSync(file, 'utf8').replace(/[\r\n]+$/, '');
  return value || undefined;
}

/**
 * `<PREFIX>_DATABASE_URL`, with the password of `<PREFIX>_DATABASE_PASSWORD` (or its `_FILE`) put in when set, so
 * the URL can travel as plain configuration and the password as a secret; undefined when the URL is unset.
 */
export function databaseUrlFromEnv(env: Env, prefix: string): string | undefined {
  const url = env[`${prefix}_DATABASE_URL`];
  if (!url) return undefined;
  const password = secretFromEnv(env, `${prefix}_DATABASE_PASSWORD`);
  if (password === undefined) return url;
  const withPassword = new URL(url);
  withPassword.password = encodeURIComponent(password);
  return withPassword.toString();
}
