import { parseArgs } from 'node:util';
import { backup, BackupRefused, restore } from './backup';
import { dataDirOf } from '../../runtime/runningSystem';

const USAGE = `usage: npm run backup -- --to DIR      (copies DATA_DIR while npm start is stopped)
       npm run restore -- --from DIR   (puts a backup in place of DATA_DIR; the data it replaces is kept aside)`;
const USAGE_EXIT = 2;

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  let values: { to?: string; from?: string };
  try {
    ({ values } = parseArgs({ args, options: { to: { type: 'string' }, from: { type: 'string' } }, strict: true, allowPositionals: false }));
  } catch (err) {
    fail(USAGE_EXIT, `${(err as Error).message}\n${USAGE}`);
  }
  const dataDir = dataDirOf(process.env);
  try {
    if (command === 'backup' && values.to && !values.from) {
      const manifest = await backup(dataDir, values.to, process.env);
      console.log(`Backed up DATA_DIR=${dataDir} to ${values.to}: ${Object.keys(manifest.files).length} files, checked by ${values.to}/backup-manifest.json.`);
    } else if (command === 'restore' && values.from && !values.to) {
      const aside = await restore(values.from, dataDir, process.env);
      console.log(`Restored ${values.from} to DATA_DIR=${dataDir}.${aside ? ` The data it replaced is in ${aside}.` : ''} Start the system with npm start.`);
    } else {
      fail(USAGE_EXIT, USAGE);
    }
  } catch (err) {
    if (err instanceof BackupRefused) fail(err.exit, err.message);
    throw err;
  }
}

function fail(code: number, message: string): never {
  console.error(message);
  process.exit(code);
}

void main();
