import { CommandLine } from '../runtime/commandLine';
import { API_KEY_SCOPES, type PartnerKeyStore } from './auth/apiKeys';
import { apiKeyStoreFromEnv } from './auth/sharedApiKeys';

const USAGE = `Usage:
  npm run apikey -- create --partner NAME --scopes card:verify [--rate N/min] [--expires yyyy-mm-dd]
  npm run apikey -- list
  npm run apikey -- rotate --id ID
  npm run apikey -- revoke --id ID
Keys are stored hashed in the gateway's PostgreSQL when GATEWAY_DATABASE_URL is set, else in $API_KEYS_FILE
(default $DATA_DIR/apikeys.json); a new key is printed once.`;

const OPTIONS = {
  partner: { type: 'string' },
  scopes: { type: 'string' },
  rate: { type: 'string' },
  expires: { type: 'string' },
  id: { type: 'string' },
  help: { type: 'boolean' },
} as const;

const commandLine = new CommandLine(USAGE, OPTIONS, {
  create: ['partner', 'scopes', 'rate', 'expires'],
  list: [],
  rotate: ['id'],
  revoke: ['id'],
});
const fail = (message: string) => commandLine.fail(message);

/** A calendar day written yyyy-mm-dd that exists (2027-02-30 does not). */
function isDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

type ParsedValues = NonNullable<ReturnType<typeof commandLine.parse>>['values'];

async function main(): Promise<void> {
  const parsed = commandLine.parse();
  if (!parsed) return;
  const { command, values } = parsed;
  const store = await apiKeyStoreFromEnv(process.env, { listen: false });
  try {
    await run(command, values, store);
  } finally {
    await store.close?.();
  }
}

async function run(command: string, values: ParsedValues, store: PartnerKeyStore): Promise<void> {
  switch (command) {
    case 'create': {
      if (!values.partner?.trim()) return fail('--partner is required');
      const scopes = (values.scopes ?? '').split(',').filter(Boolean);
      if (scopes.length === 0 || scopes.some((s) => !(API_KEY_SCOPES as readonly string[]).includes(s))) {
        return fail(`--scopes must list known scopes: ${API_KEY_SCOPES.join(', ')}`);
      }
      const rate = /^(\d+)(\/min)?$/.exec(values.rate ?? '60/min');
      if (!rate || Number(rate[1]) < 1) return fail('--rate is N/min, N at least 1');
      if (values.expires !== undefined && !isDay(values.expires)) return fail(`--expires is a day written yyyy-mm-dd, not "${values.expires}"`);
      const { key, stored } = await store.create({
        partner: values.partner.trim(),
        scopes,
        ratePerMinute: Number(rate[1]),
        expiresOn: values.expires ?? null,
      });
      console.log(`id ${stored.id}  partner ${stored.partner}  scopes ${scopes.join(',')}  ${stored.ratePerMinute}/min  expires ${stored.expiresOn ?? 'never'}`);
      console.log(`key (shown once, send it as X-API-Key): ${key}`);
      return;
    }
    case 'list':
      for (const k of await store.list()) {
        const state = k.revokedAt ? `revoked ${k.revokedAt}` : k.expiresOn ? `expires ${k.expiresOn}` : 'active';
        console.log(`${k.id}  ${k.partner}  ${k.scopes.join(',')}  ${k.ratePerMinute}/min  ${state}`);
      }
      return;
    case 'rotate':
    case 'revoke': {
      if (!values.id) return fail('--id is required');
      try {
        if (command === 'rotate') {
          const { key } = await store.rotate(values.id);
          console.log(`key ${values.id} rotated; the old key no longer works.\nnew key (shown once): ${key}`);
        } else {
          await store.revoke(values.id);
          console.log(`key ${values.id} revoked`);
        }
      } catch (err) {
        return fail((err as Error).message);
      }
      return;
    }
  }
}

void main();
