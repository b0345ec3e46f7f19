import { parseArgs } from 'node:util';
import { API_KEY_SCOPES, ApiKeyStore, apiKeysFile } from './auth/apiKeys';

const USAGE = `Usage:
  npm run apikey -- create --partner NAME --scopes card:verify [--rate N/min] [--expires yyyy-mm-dd]
  npm run apikey -- list
  npm run apikey -- rotate --id ID
  npm run apikey -- revoke --id ID
Keys are stored hashed in $API_KEYS_FILE (default $DATA_DIR/apikeys.json); a new key is printed once.`;

function main(): void {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      partner: { type: 'string' },
      scopes: { type: 'string' },
      rate: { type: 'string' },
      expires: { type: 'string' },
      id: { type: 'string' },
    },
  });
  const store = new ApiKeyStore(apiKeysFile());
  const fail = (message: string) => {
    console.error(`${message}\n\n${USAGE}`);
    process.exit(2);
  };
  switch (positionals[0]) {
    case 'create': {
      if (!values.partner?.trim()) return fail('--partner is required');
      const scopes = (values.scopes ?? '').split(',').filter(Boolean);
      if (scopes.length === 0 || scopes.some((s) => !(API_KEY_SCOPES as readonly string[]).includes(s))) {
        return fail(`--scopes must list known scopes: ${API_KEY_SCOPES.join(', ')}`);
      }
      const rate = /^(\d+)(\/min)?$/.exec(values.rate ?? '60/min');
      if (!rate || Number(rate[1]) < 1) return fail('--rate is N/min, N at least 1');
      if (values.expires && !/^\d{4}-\d{2}-\d{2}$/.test(values.expires)) return fail('--expires is yyyy-mm-dd');
      const { key, stored } = store.create({
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
      for (const k of store.list()) {
        const state = k.revokedAt ? `revoked ${k.revokedAt}` : k.expiresOn ? `expires ${k.expiresOn}` : 'active';
        console.log(`${k.id}  ${k.partner}  ${k.scopes.join(',')}  ${k.ratePerMinute}/min  ${state}`);
      }
      return;
    case 'rotate':
    case 'revoke': {
      if (!values.id) return fail('--id is required');
      try {
        if (positionals[0] === 'rotate') {
          const { key } = store.rotate(values.id);
          console.log(`key ${values.id} rotated; the old key no longer works.\nnew key (shown once): ${key}`);
        } else {
          store.revoke(values.id);
          console.log(`key ${values.id} revoked`);
        }
      } catch (err) {
        return fail((err as Error).message);
      }
      return;
    }
    default:
      fail('Say what to do: create, list, rotate or revoke');
  }
}

main();
