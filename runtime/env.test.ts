import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// What pg (under TypeORM) parses a connection URL with: the password must come back exactly as written.
import { parse } from 'pg-connection-string';
import { databaseUrlFromEnv, secretFromEnv } from './env';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'env-secrets-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function secretFile(name: string, contents: string): string {
  const file = join(dir, name);
  writeFileSync(file, contents, { mode: 0o600 });
  return file;
}

describe('secretFromEnv', () => {
  it('reads NAME_FILE, without the trailing line break an editor or echo leaves', () => {
    expect(secretFromEnv({ REDIS_PASSWORD_FILE: secretFile('redis', 's3cret\n') }, 'REDIS_PASSWORD')).toBe('s3cret');
    expect(secretFromEnv({ REDIS_PASSWORD_FILE: secretFile('redis-crlf', 'a b\r\n') }, 'REDIS_PASSWORD')).toBe('a b');
  });

  it('reads NAME itself, and answers undefined when neither is set or NAME is empty', () => {
    expect(secretFromEnv({ REDIS_PASSWORD: 'plain' }, 'REDIS_PASSWORD')).toBe('plain');
    expect(secretFromEnv({}, 'REDIS_PASSWORD')).toBeUndefined();
    expect(secretFromEnv({ REDIS_PASSWORD: '' }, 'REDIS_PASSWORD')).toBeUndefined();
  });

  it('refuses both at once, and a file that is not there', () => {
    expect(() => secretFromEnv({ REDIS_PASSWORD: 'a', REDIS_PASSWORD_FILE: secretFile('both', 'b') }, 'REDIS_PASSWORD')).toThrow(
      'REDIS_PASSWORD and REDIS_PASSWORD_FILE are both set: set one',
    );
    expect(() => secretFromEnv({ REDIS_PASSWORD_FILE: join(dir, 'missing') }, 'REDIS_PASSWORD')).toThrow(/ENOENT/);
  });
});

describe('databaseUrlFromEnv', () => {
  const url = 'postgres://registry@registry-db:5432/registry';

  it('puts the password file into the URL, any character surviving as pg reads it', () => {
    const password = 'p@ss:w/rd%?#&= 日本';
    const env = { REGISTRY_DATABASE_URL: url, REGISTRY_DATABASE_PASSWORD_FILE: secretFile('registry-db', `${password}\n`) };
    const parsed = parse(databaseUrlFromEnv(env, 'REGISTRY')!);
    expect({ user: parsed.user, password: parsed.password, host: parsed.host, port: parsed.port, database: parsed.database }).toEqual({
      user: 'registry',
      password,
      host: 'registry-db',
      port: '5432',
      database: 'registry',
    });
  });

  it('replaces a password already in the URL', () => {
    const env = { GATEWAY_DATABASE_URL: 'postgres://gateway:old@gateway-db/gateway', GATEWAY_DATABASE_PASSWORD: 'new' };
    expect(parse(databaseUrlFromEnv(env, 'GATEWAY')!).password).toBe('new');
  });

  it('leaves the URL as it is without a password, and answers undefined without a URL', () => {
    expect(databaseUrlFromEnv({ REGISTRY_DATABASE_URL: url }, 'REGISTRY')).toBe(url);
    expect(databaseUrlFromEnv({ REGISTRY_DATABASE_PASSWORD: 'x' }, 'REGISTRY')).toBeUndefined();
    expect(databaseUrlFromEnv({ REGISTRY_DATABASE_URL: '' }, 'REGISTRY')).toBeUndefined();
  });
});
