import { existsSync } from 'node:fs';
import { CommandLine } from '../../runtime/commandLine';
import { keysDir, publicKeyPath } from '../../runtime/keys';
import { KEY_NAMES, listKeys, retireKey, rotateKey, type KeyName } from './keyRotation';

const USAGE = `Usage:
  npm run keys -- list [--name NAME]
  npm run keys -- rotate --name NAME
  npm run keys -- retire --name NAME --kid KID
NAME is one of ${KEY_NAMES.join(', ')}. Keys are the files <name>.private.jwk and <name>.public.jwk in --dir
(default $DATA_DIR/keys). rotate publishes a new key and signs with it from then on; retire stops accepting an old
key once what it signed has expired (docs/operations.md, "Key rotation"). Running processes follow without a restart.`;

const OPTIONS = {
  name: { type: 'string' },
  kid: { type: 'string' },
  dir: { type: 'string' },
  help: { type: 'boolean' },
} as const;

const commandLine = new CommandLine(USAGE, OPTIONS, {
  list: ['name', 'dir'],
  rotate: ['name', 'dir'],
  retire: ['name', 'kid', 'dir'],
});
const fail = (message: string) => commandLine.fail(message);

async function main(): Promise<void> {
  const parsed = commandLine.parse();
  if (!parsed) return;
  const { command, values } = parsed;
  if (values.name !== undefined && !(KEY_NAMES as readonly string[]).includes(values.name)) return fail(`--name must be one of ${KEY_NAMES.join(', ')}`);
  if (command !== 'list' && !values.name) return fail('--name is required');
  if (command === 'retire' && !values.kid) return fail('--kid is required');
  const dir = values.dir ?? keysDir(process.env.DATA_DIR ?? '.data');
  const name = values.name as KeyName | undefined;
  try {
    switch (command) {
      case 'list':
        // Without --name, the keys this directory holds (the issuer's is absent where an identity provider signs).
        for (const n of name ? [name] : KEY_NAMES.filter((k) => existsSync(publicKeyPath(dir, k)))) {
          for (const k of listKeys(dir, n)) console.log(`${n}  ${k.kid}  ${k.current ? 'current' : k.retired ? `retired ${k.retired}` : 'accepted'}`);
        }
        return;
      case 'rotate':
        console.log(`${name}: ${await rotateKey(dir, name!)} published and current; the old key is still accepted until retired`);
        return;
      case 'retire':
        retireKey(dir, name!, values.kid!);
        console.log(`${name}: ${values.kid} retired; kept only to verify the access-log checkpoints it signed`);
        return;
    }
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}

void main();
