import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair, type CryptoKey } from 'jose';
import { HttpError } from '../../../runtime/http';
import type { Principal } from '../../../runtime/principal';
import { suiteDatabases } from '../../../test/suiteDatabases';
import { migrations as logMigrations } from '../../mynumber/migrations';
import { migrations as witnessMigrations } from '../../registry/migrations';
import { writeAccessLogRows } from '../audit';
import { LogSequencer } from './sequencer';
import { WITNESS_PATH, WitnessClient, witnessRoute } from './witness';

/**
 * Two replicas of one log, each with its witness client, and one witness. A client remembers the size the witness
 * last cosigned from its own sends; when the other replica has sent a later checkpoint since, that memory is
 * stale. The witness answers 409 with the size it holds, and the client must be asked again from there: the
 * checkpoint gets its cosignature, and the witness never takes a tree it cannot check against its own.
 */

const PRINCIPAL = { sub: 'clerk-1', role: 'MUNICIPAL_CLERK', agency: 'municipality', purpose: 'test', requestId: 'r' } as unknown as Principal;

const logs = suiteDatabases('mynumber', logMigrations);
const witnesses = suiteDatabases('registry', witnessMigrations);
let server: Server | undefined;
afterAll(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

const keyPair = async () => (await generateKeyPair('EdDSA', { crv: 'Ed25519' })) as { privateKey: CryptoKey; publicKey: CryptoKey };

test('a replica whose remembered witness size is stale is told the size held, and its checkpoint is cosigned from there', async () => {
  const { db: first, url: logUrl } = await logs.fresh('witnessed_log');
  // On PostgreSQL the replicas have pools of their own, as two processes would; embedded, they share the one.
  const second = logUrl ? await logs.again(logUrl, 'witnessed_log-1') : first;
  const { db: witnessDb } = await witnesses.fresh('witness');

  const logKey = await keyPair();
  const witnessKey = await keyPair();
  // The caller's signature is checked by the subgraph's own verifier elsewhere (internalSignatures.test.ts): here
  // every call is the log's.
  const route = witnessRoute({
    db: witnessDb,
    authority: 'registry',
    signingKey: witnessKey,
    logKeys: { mynumber: logKey.publicKey },
    verify: async () => ({ caller: 'mynumber', id: 'call' }),
  });
  const asked: Array<{ oldSize: number; status: number }> = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const handler = req.url === WITNESS_PATH ? route[WITNESS_PATH] : undefined;
      res.on('finish', () => asked.push({ oldSize: (JSON.parse(body) as { oldSize: number }).oldSize, status: res.statusCode }));
      if (!handler) return void res.writeHead(404).end();
      handler(req, body, res).catch((err: unknown) => {
        const status = err instanceof HttpError ? err.status : 500;
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: String(err) }] }));
      });
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const witnessUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const sequencer = new LogSequencer({ db: first, authority: 'mynumber', signingKey: logKey, checkpointEveryMs: 0 });
  const [a, b] = [first, second].map(
    (db) => new WitnessClient({ db, authority: 'mynumber', signingKey: { kid: 'log', privateKey: logKey.privateKey }, witnesses: { registry: witnessUrl } }),
  ) as [WitnessClient, WitnessClient];
  let person = 0;
  /** `n` more rows, placed and signed: the new checkpoint's size. */
  const grow = async (n: number) => {
    const rows = Array.from({ length: n }, () => ({ subject: `person-${person++}`, items: ['name'], action: 'read', outcome: 'ok' }));
    await writeAccessLogRows(first, 'mynumber', rows.map((row) => ({ principal: PRINCIPAL, row })));
    await sequencer.sequence();
    const [{ size }] = (await first.query(`SELECT max(size)::int AS size FROM access_log_checkpoint`)) as [{ size: number }];
    return size;
  };
  const cosigned = async () =>
    ((await first.query(`SELECT size::int AS size FROM access_log_checkpoint WHERE cosignatures ? 'registry' ORDER BY size`)) as Array<{ size: number }>).map(
      (c) => c.size,
    );

  // A sends the first checkpoint and remembers its size; B then sends a later one (from the log's table).
  expect(await grow(3)).toBe(3);
  await a.send();
  expect(await grow(4)).toBe(7);
  await b.send();
  expect(await cosigned()).toEqual([3, 7]);
  expect(asked).toEqual([
    { oldSize: 0, status: 200 },
    { oldSize: 3, status: 200 },
  ]);

  // A's memory says 3, the witness holds 7: told so, A asks again from 7 with the proof from 7, and is cosigned.
  expect(await grow(2)).toBe(9);
  await a.send();
  expect(asked.slice(2)).toEqual([
    { oldSize: 3, status: 409 },
    { oldSize: 7, status: 200 },
  ]);
  expect(await cosigned()).toEqual([3, 7, 9]);
  const witnessed = (await witnessDb.query(`SELECT size::int AS size FROM access_log_witnessed ORDER BY size`)) as Array<{ size: number }>;
  expect(witnessed.map((w) => w.size)).toEqual([3, 7, 9]);
  expect(await witnessDb.query(`SELECT reason FROM access_log_refused`)).toEqual([]);

  // And A now remembers 9: the next checkpoint is asked once, from 9.
  expect(await grow(1)).toBe(10);
  await a.send();
  expect(asked.slice(4)).toEqual([{ oldSize: 9, status: 200 }]);
  await sequencer.stop();
});
