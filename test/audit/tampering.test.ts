import type { EntityManager } from 'typeorm';
import { AUDIT_VERIFY_PATH } from '../../schema/internalPaths';
import { checkpointNote, originOf, signText } from '../../subgraphs/kit/accessLog/checkpoint';
import { LEAF_SELECT, rowLeafData, type LeafRow } from '../../subgraphs/kit/accessLog/leaf';
import { purgeAccessLog, thinCheckpoints } from '../../subgraphs/kit/accessLog/retention';
import { nodeReader } from '../../subgraphs/kit/accessLog/sequencer';
import type { LogReport } from '../../subgraphs/kit/accessLog/verify';
import { writeAccessLog } from '../../subgraphs/kit/audit';
import { auditAccessLogs, type LogAudit } from '../../subgraphs/kit/auditVerify';
import type { Authority } from '../../runtime/authority';
import { eventsOptionsFor } from '../../subgraphs/kit/eventRoutes';
import { callInternal } from '../../subgraphs/kit/internalCall';
import { processLogger } from '../../runtime/http';
import { keysDir, type KeyPair } from '../../runtime/keys';
import type { Principal } from '../../runtime/principal';
import { leafHash, newNodes, rootAt } from '../../subgraphs/kit/merkle';
import { startStack, type Stack } from '../harness';
import { eventually, persona } from '../personas';

/**
 * An attacker with full write access to ONE authority's database and files (its signing key too) tampers with that
 * authority's access log; `audit:verify` (the function the CLI calls) must name what was done. Every attack starts
 * from a settled log (every row a leaf, the latest checkpoint cosigned by both witnesses) and is undone afterwards
 * from a copy of the log's tables, so the next one starts clean.
 */

const AUTHORITIES: Authority[] = ['immigration', 'registry', 'mynumber'];
const RETENTION_DAYS = 2557;
/** The sequencer's advisory lock (accessLog/sequencer.ts): the attacker holds it, so no sequencing races the edit. */
const SEQUENCER_LOCK = 7_106_016;
/** The log's own tables; a witness's records of the others' logs are the other two. */
const LOG_TABLES = ['access_log', 'access_log_tree', 'access_log_node', 'access_log_checkpoint'];
const ALL_TABLES = [...LOG_TABLES, 'access_log_witnessed', 'access_log_refused'];
const RECORD = `query ($n: ID!) { person(myNumber: $n) { myNumber resident { familyName } immigration { residentClass } } }`;
const PEOPLE = ['specific_card', 'separate_cards', 'technical_intern'].map((scenario) => persona(scenario).myNumber!);

let stack: Stack;
let officer: string;
let keys: Record<Authority, KeyPair>;

beforeAll(async () => {
  stack = await startStack({ persons: 20 });
  officer = await stack.token('isa-officer');
  keys = {} as Record<Authority, KeyPair>;
  for (const a of AUTHORITIES) keys[a] = (await eventsOptionsFor(a, keysDir(stack.dataDir), {}, {})).signingKey as KeyPair;
  await reads(8);
  await settled();
});
afterAll(() => stack?.stop());

interface Answer {
  status: number;
  requestId: string | null;
  body: { data?: { person: { immigration: { residentClass: string } | null } | null }; errors?: unknown[] };
}

/** Reads of persons' records through the gateway: each one a row in all three logs. */
async function reads(n: number): Promise<Answer[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => read(PEOPLE[i % PEOPLE.length]!)));
}

async function read(myNumber: string): Promise<Answer> {
  const res = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${officer}` },
    body: JSON.stringify({ query: RECORD, variables: { n: myNumber } }),
  });
  return { status: res.status, requestId: res.headers.get('x-request-id'), body: (await res.json()) as Answer['body'] };
}

/** The tree's size, the latest checkpoint and who cosigned it, and how many rows wait for a leaf. */
async function logState(a: Authority): Promise<{ size: number; signed: number | null; cosignedBy: string[]; waiting: number }> {
  const [row] = (await stack.dbs[a].query(
    `SELECT t.size, c.size AS signed, c.cosignatures, (SELECT count(*) FROM access_log WHERE leaf_index IS NULL)::bigint AS waiting
     FROM access_log_tree t LEFT JOIN LATERAL (SELECT size, cosignatures FROM access_log_checkpoint ORDER BY size DESC LIMIT 1) c ON true`,
  )) as Array<{ size: number; signed: number | null; cosignatures: Record<string, string> | null; waiting: number }>;
  return { size: row!.size, signed: row!.signed, cosignedBy: Object.keys(row!.cosignatures ?? {}).sort(), waiting: row!.waiting };
}

/** Waits until every row of these logs is a leaf and their latest checkpoint covers the tree, cosigned by `witnesses`. */
async function settled(authorities = AUTHORITIES, witnesses = (a: Authority) => AUTHORITIES.filter((w) => w !== a)): Promise<Record<Authority, number>> {
  const sizes = {} as Record<Authority, number>;
  for (const a of authorities) {
    const expected = witnesses(a).sort();
    sizes[a] = await eventually(async () => {
      const s = await logState(a);
      return s.waiting === 0 && s.signed === s.size && expected.every((w) => s.cosignedBy.includes(w)) && s.size;
    }, 20_000);
  }
  return sizes;
}

/** What `npm run audit:verify` finds, by authority. */
async function audit(retentionDays = RETENTION_DAYS): Promise<Record<Authority, LogAudit>> {
  const audits = await auditAccessLogs({
    authorities: AUTHORITIES,
    urls: Object.fromEntries(AUTHORITIES.map((a) => [a, stack.subgraphUrls[a].replace('/graphql', '')])) as Record<Authority, string>,
    signingKeys: keys,
    publicKeys: Object.fromEntries(AUTHORITIES.map((a) => [a, keys[a].publicKey])),
    retentionDays,
  });
  return Object.fromEntries(audits.map((a) => [a.authority, a])) as Record<Authority, LogAudit>;
}

/** The problems `audit:verify` reports, by authority. */
async function problems(retentionDays?: number): Promise<Record<Authority, string[]>> {
  const audits = await audit(retentionDays);
  return Object.fromEntries(AUTHORITIES.map((a) => [a, audits[a].problems])) as Record<Authority, string[]>;
}

/** A witness's refusal of a checkpoint of the ISA's log, as audit:verify reports it. */
const REFUSED = /^(registry|mynumber) refused \d+ checkpoints? of this log, the latest at \S+: not consistent with the cosigned tree$/;
const CLEAN = { immigration: [], registry: [], mynumber: [] };

/** The log's self-check alone, without the witnesses' copies. */
async function selfCheck(a: Authority): Promise<LogReport> {
  return callInternal<LogReport>(a, a, stack.subgraphUrls[a].replace('/graphql', ''), AUDIT_VERIFY_PATH, {}, keys[a]);
}

/** Runs `work` as the attacker: in one transaction, the append-only trigger off, the sequencer kept out. */
async function asAttacker<T>(a: Authority, work: (m: EntityManager) => Promise<T>): Promise<T> {
  return stack.dbs[a].transaction(async (m) => {
    await m.query(`SELECT pg_advisory_xact_lock(${SEQUENCER_LOCK})`);
    await m.query(`ALTER TABLE access_log DISABLE TRIGGER ALL`);
    const result = await work(m);
    await m.query(`ALTER TABLE access_log ENABLE TRIGGER ALL`);
    return result;
  });
}

/** Copies the authority's log tables aside (a backup). */
async function backup(a: Authority, name: string, tables = ALL_TABLES): Promise<void> {
  await asAttacker(a, async (m) => {
    for (const t of tables) {
      await m.query(`DROP TABLE IF EXISTS ${t}_${name}`);
      await m.query(`CREATE TABLE ${t}_${name} AS SELECT * FROM ${t}`);
    }
  });
}

/** Puts a backup's copies back in place of the tables. */
async function restore(a: Authority, name: string, tables = ALL_TABLES): Promise<void> {
  await asAttacker(a, async (m) => {
    for (const t of tables) {
      await m.query(`DELETE FROM ${t}`);
      await m.query(`INSERT INTO ${t} OVERRIDING SYSTEM VALUE SELECT * FROM ${t}_${name}`);
    }
  });
}

/** New reads, then every log settled and passing audit:verify; the sizes of the logs. */
async function cleanLogs(): Promise<Record<Authority, number>> {
  await reads(3);
  const sizes = await settled();
  expect(await problems()).toEqual(CLEAN);
  return sizes;
}

/**
 * Attacks a clean, settled log of `size` leaves. `undo` (run at the end if the attack did not) puts the log's own
 * tables back as they were before it; then everything must pass again.
 */
async function attack(a: Authority, run: (size: number, undo: () => Promise<void>) => Promise<void>): Promise<void> {
  const sizes = await cleanLogs();
  await backup(a, 'clean', LOG_TABLES);
  let undone = false;
  const undo = async () => {
    if (!undone) await restore(a, 'clean', LOG_TABLES);
    undone = true;
  };
  try {
    await run(sizes[a], undo);
  } finally {
    await undo();
  }
  expect(await problems()).toEqual(CLEAN);
}

/** A leaf in the middle of the log. */
function middle(size: number): number {
  expect(size).toBeGreaterThan(8);
  return Math.floor(size / 2);
}

/** The attacker's rebuild: every leaf hash recomputed from the rows, every node, every checkpoint re-signed. */
async function rebuild(m: EntityManager, a: Authority): Promise<void> {
  const rows = (await m.query(`SELECT leaf_index AS "leafIndex", ${LEAF_SELECT} FROM access_log WHERE leaf_index IS NOT NULL ORDER BY leaf_index`)) as Array<
    LeafRow & { leafIndex: number }
  >;
  rows.forEach((row, i) => expect(row.leafIndex).toBe(i));
  const hashes = rows.map((row) => leafHash(rowLeafData(row)));
  await m.query(`UPDATE access_log SET leaf_hash = v.hash FROM unnest($1::bigint[], $2::bytea[]) AS v(idx, hash) WHERE leaf_index = v.idx`, [
    rows.map((r) => r.leafIndex),
    hashes,
  ]);
  const nodes = await newNodes(0, hashes, () => Promise.reject(new Error('a tree built from nothing reads no node')));
  await m.query(`DELETE FROM access_log_node`);
  await m.query(`INSERT INTO access_log_node (level, idx, hash) SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])`, [
    nodes.map((n) => n.level),
    nodes.map((n) => n.index),
    nodes.map((n) => n.hash),
  ]);
  await m.query(`UPDATE access_log_tree SET size = $1`, [rows.length]);
  const checkpoints = (await m.query(`SELECT size, at FROM access_log_checkpoint ORDER BY size`)) as Array<{ size: number; at: Date }>;
  for (const c of checkpoints) {
    const root = await rootAt(c.size, nodeReader(m));
    const note = checkpointNote({ origin: originOf(a), size: c.size, root, time: new Date(c.at).toISOString() });
    // The old cosignatures would not verify over the new notes: the attacker drops them.
    await m.query(`UPDATE access_log_checkpoint SET root = $2, note = $3, signature = $4, cosignatures = '{}' WHERE size = $1`, [
      c.size,
      root,
      note,
      await signText(note, keys[a].privateKey),
    ]);
  }
}

describe('an attacker with write access to one authority database', () => {
  test('a row altered is named by its leaf; with its leaf hash recomputed too, by the node above it', async () => {
    await attack('registry', async (size) => {
      // Odd: no root uses a right-hand leaf on its own, so only the node above it can tell.
      const leaf = middle(size) | 1;
      await asAttacker('registry', (m) => m.query(`UPDATE access_log SET purpose = 'statistics' WHERE leaf_index = $1`, [leaf]));
      const audits = await audit();
      expect(audits.registry.problems).toEqual([`leaf ${leaf} altered`]);
      expect(audits.registry.line).toBe(`registry: WRONG: leaf ${leaf} altered`);
      expect(audits.immigration.problems).toEqual([]);
      expect(audits.mynumber.problems).toEqual([]);

      await asAttacker('registry', async (m) => {
        const [row] = (await m.query(`SELECT ${LEAF_SELECT} FROM access_log WHERE leaf_index = $1`, [leaf])) as LeafRow[];
        const hash = leafHash(rowLeafData(row!));
        await m.query(`UPDATE access_log SET leaf_hash = $2 WHERE leaf_index = $1`, [leaf, hash]);
        await m.query(`UPDATE access_log_node SET hash = $2 WHERE level = 0 AND idx = $1`, [leaf, hash]);
      });
      expect(await problems()).toEqual({ ...CLEAN, registry: [`node 1/${Math.floor(leaf / 2)} does not match its children`] });
    });
  });

  test('a row removed is named by its leaf', async () => {
    await attack('mynumber', async (size) => {
      const leaf = middle(size);
      await asAttacker('mynumber', (m) => m.query(`DELETE FROM access_log WHERE leaf_index = $1`, [leaf]));
      expect(await problems()).toEqual({ ...CLEAN, mynumber: [`leaf ${leaf} removed`] });
    });
  });

  test('a row inserted among the others: its leaf altered, every later one moved, the last one beyond the tree', async () => {
    await attack('immigration', async (size) => {
      const leaf = middle(size);
      await asAttacker('immigration', async (m) => {
        // Later rows move up one place (through negative indices, as leaf_index is unique).
        await m.query(`UPDATE access_log SET leaf_index = -leaf_index - 2 WHERE leaf_index >= $1`, [leaf]);
        await m.query(`UPDATE access_log SET leaf_index = -leaf_index - 1 WHERE leaf_index < 0`);
        await m.query(
          `INSERT INTO access_log (at, request_id, principal, role, agency, provider, subject, items, purpose, action, outcome, leaf_index)
           SELECT at, 'forged-request-0001', 'someone-else', role, agency, provider, subject, items, purpose, action, outcome, $1
           FROM access_log WHERE leaf_index = $2`,
          [leaf, leaf + 1],
        );
        const [row] = (await m.query(`SELECT ${LEAF_SELECT} FROM access_log WHERE leaf_index = $1`, [leaf])) as LeafRow[];
        await m.query(`UPDATE access_log SET leaf_hash = $2 WHERE leaf_index = $1`, [leaf, leafHash(rowLeafData(row!))]);
      });
      expect(await problems()).toEqual({
        ...CLEAN,
        immigration: [`leaf ${leaf} altered (${size - leaf - 1} more like it)`, `leaf ${size} is beyond the tree size ${size}`],
      });
    });
  });

  test('two rows reordered are named by the first', async () => {
    await attack('registry', async (size) => {
      const [i, j] = [middle(size), size - 1];
      await asAttacker('registry', async (m) => {
        await m.query(`UPDATE access_log SET leaf_index = -1 WHERE leaf_index = $1`, [i]);
        await m.query(`UPDATE access_log SET leaf_index = $1 WHERE leaf_index = $2`, [i, j]);
        await m.query(`UPDATE access_log SET leaf_index = $1 WHERE leaf_index = -1`, [j]);
      });
      expect(await problems()).toEqual({ ...CLEAN, registry: [`leaf ${i} altered (1 more like it)`] });
    });
  });

  test('the tail removed: the checkpoints tell while they remain, the witnesses once they are cut too', async () => {
    // The sequencer, finding a tree smaller than its latest checkpoint, may try to sign a size it signed before (an
    // error line in its log, silent under jest).
    await attack('mynumber', async (size) => {
      const cut = middle(size);
      await asAttacker('mynumber', async (m) => {
        await m.query(`DELETE FROM access_log WHERE leaf_index >= $1`, [cut]);
        await m.query(`DELETE FROM access_log_node WHERE ((idx + 1) << level) > $1`, [cut]);
        await m.query(`UPDATE access_log_tree SET size = $1`, [cut]);
      });
      const rollback = [`rollback: immigration cosigned size ${size}, the log has only ${cut}`, `rollback: registry cosigned size ${size}, the log has only ${cut}`];
      expect(await problems()).toEqual({ ...CLEAN, mynumber: [`tail removed: a checkpoint of size ${size} was signed, the tree has ${cut} leaves`, ...rollback] });
      await asAttacker('mynumber', (m) => m.query(`DELETE FROM access_log_checkpoint WHERE size > $1`, [cut]));
      expect((await selfCheck('mynumber')).problems).toEqual([]);
      expect(await problems()).toEqual({ ...CLEAN, mynumber: rollback });
    });
  });

  test('the log rebuilt with recomputed hashes and re-signed checkpoints: only the witnesses catch it, and refuse its next checkpoint', async () => {
    // From the start: the log's retries may bring the rebuilt checkpoint to a witness before its next one does.
    // Each witness's process logger (the stack runs in this process): the refusal is an error line there.
    const logged = { registry: jest.spyOn(processLogger('registry'), 'error'), mynumber: jest.spyOn(processLogger('mynumber'), 'error') };
    await attack('immigration', async (size, undo) => {
      const leaf = middle(size);
      await asAttacker('immigration', async (m) => {
        await m.query(`UPDATE access_log SET purpose = 'statistics' WHERE leaf_index = $1`, [leaf]);
        await rebuild(m, 'immigration');
      });
      const report = await selfCheck('immigration');
      expect(report).toMatchObject({ size, first: 0, leaves: size, problems: [], latest: { size, cosignedBy: [] } });
      const fork = [
        `fork: the log differs from what registry cosigned at size ${size}`,
        `fork: the log differs from what mynumber cosigned at size ${size}`,
      ];
      // The fork is named at once; a witness may already have refused a re-signed checkpoint the log retried.
      const seen = await problems();
      expect({ ...seen, immigration: seen.immigration.slice(0, 2) }).toEqual({ ...CLEAN, immigration: fork });
      for (const line of seen.immigration.slice(2)) expect(line).toMatch(REFUSED);
      expect(seen.immigration.length).toBeLessThanOrEqual(4);

      // The forked log's next checkpoint: both witnesses refuse it, keep the refusal and say so in their logs.
      try {
        await reads(2);
        for (const witness of ['registry', 'mynumber'] as const) {
          await eventually(async () => {
            const [row] = await stack.dbs[witness].query(`SELECT reason FROM access_log_refused WHERE origin = $1 LIMIT 1`, [originOf('immigration')]);
            return row?.reason === 'not consistent with the cosigned tree';
          });
          expect(logged[witness]).toHaveBeenCalledWith({ origin: originOf('immigration'), reason: 'not consistent with the cosigned tree' }, 'checkpoint refused');
        }
        const after = (await audit()).immigration;
        expect(after.problems.slice(0, 2)).toEqual(fork);
        expect(after.problems.slice(2)).toEqual([
          expect.stringMatching(/^registry refused \d+ checkpoints? of this log, the latest at \S+: not consistent with the cosigned tree$/),
          expect.stringMatching(/^mynumber refused \d+ checkpoints? of this log, the latest at \S+: not consistent with the cosigned tree$/),
        ]);
        expect(after.line.startsWith('immigration: WRONG: fork: the log differs from what registry cosigned')).toBe(true);
      } finally {
        // Undone, and a checkpoint cosigned after it: no refusal can still be on its way when they are cleared.
        // Also when a check above failed, so the tests after this one start from clean logs.
        await undo();
        // The operator clears the refusals once the log is restored; a refusal of a forked checkpoint still on its
        // way when they are cleared is cleared again.
        await eventually(async () => {
          for (const witness of ['registry', 'mynumber'] as const) {
            await stack.dbs[witness].query(`DELETE FROM access_log_refused WHERE origin = $1`, [originOf('immigration')]);
          }
          await reads(1);
          await settled();
          const left = await Promise.all(
            (['registry', 'mynumber'] as const).map((w) => stack.dbs[w].query(`SELECT 1 FROM access_log_refused WHERE origin = $1`, [originOf('immigration')])),
          );
          return left.every((rows) => rows.length === 0);
        }, 60_000);
        logged.registry.mockRestore();
        logged.mynumber.mockRestore();
      }
    });
  });

  test('the whole database restored from an earlier backup: the witnesses hold larger trees', async () => {
    const before = (await cleanLogs()).registry;
    await backup('registry', 'earlier');
    await reads(3);
    const later = (await settled()).registry;
    expect(later).toBeGreaterThan(before);
    await backup('registry', 'now');
    try {
      await restore('registry', 'earlier');
      expect((await selfCheck('registry')).problems).toEqual([]);
      expect(await problems()).toEqual({
        ...CLEAN,
        registry: [`rollback: immigration cosigned size ${later}, the log has only ${before}`, `rollback: mynumber cosigned size ${later}, the log has only ${before}`],
      });
    } finally {
      await restore('registry', 'now');
    }
    expect(await problems()).toEqual(CLEAN);
  });

  test('a purge by the retention rule passes; a purge of recent leaves is named', async () => {
    await attack('mynumber', async (size) => {
      // Every checkpoint is older than a retention of 0 days: the log may be purged up to its latest one.
      expect(await purgeAccessLog(stack.dbs.mynumber, 0)).toBe(size);
      const audits = await audit(0);
      expect(AUTHORITIES.map((a) => audits[a].problems)).toEqual([[], [], []]);
      expect(audits.mynumber.line).toMatch(new RegExp(`^mynumber: ok, size ${size}, no leaves, \\d+ checkpoints, latest \\(size ${size}\\) cosigned by immigration and registry$`));
    });
    await attack('mynumber', async (size) => {
      const cut = size - 2;
      await stack.dbs.mynumber.query(`SELECT purge_access_log_below($1)`, [cut]);
      expect(await problems()).toEqual({
        ...CLEAN,
        mynumber: [
          `purge outside the retention rule: leaves below ${cut} are gone, no checkpoint was signed before it (cut-off ${RETENTION_DAYS} days)`,
          `purge outside the retention rule: leaves below ${cut} are gone, no witness cosigned that many before the cut-off (immigration none, registry none)`,
        ],
      });
    });
  });
});

describe('the witnesses and the log under failures', () => {
  test('a witness down and back: reads go on, and the other logs get its cosignature again', async () => {
    await settled();
    await stack.stopSubgraph('registry');
    try {
      const [answer] = await reads(1);
      expect(answer!.status).toBe(200);
      expect(answer!.body.data?.person?.immigration?.residentClass).toEqual(expect.any(String));
      // Cosigned by the witness still up, not by the one down.
      await settled(['immigration', 'mynumber'], (a) => (a === 'immigration' ? ['mynumber'] : ['immigration']));
      expect((await logState('immigration')).cosignedBy).toEqual(['mynumber']);
      expect((await logState('mynumber')).cosignedBy).toEqual(['immigration']);
    } finally {
      await stack.startSubgraph('registry');
    }
    await reads(3);
    await settled();
    expect(await problems()).toEqual(CLEAN);
  });

  test('a crash between append and answer loses nothing that was answered', async () => {
    let returned = 0;
    const pending = Array.from({ length: 30 }, (_, i) =>
      read(PEOPLE[i % PEOPLE.length]!).then(
        (answer) => {
          returned++;
          return answer;
        },
        () => null,
      ),
    );
    await eventually(async () => returned >= 3);
    await stack.stopSubgraph('mynumber');
    const answers = await Promise.all(pending);
    await stack.startSubgraph('mynumber');
    // Answered with an authority's data: its rows were committed before the answer left, so they survived the crash.
    const answered = (a: Answer | null): a is Answer & { requestId: string } => a !== null && a.status === 200 && a.requestId !== null;
    const complete = answers.filter(answered).filter((a) => !a.body.errors);
    const withImmigration = answers.filter(answered).filter((a) => a.body.data?.person?.immigration);
    expect(complete.length).toBeGreaterThanOrEqual(3);
    await settled();
    for (const a of AUTHORITIES) {
      const expected = (a === 'immigration' ? withImmigration : complete).map((c) => c.requestId).sort();
      const logged = (await stack.dbs[a].query(`SELECT DISTINCT request_id AS id FROM access_log WHERE request_id = ANY($1) AND leaf_index IS NOT NULL`, [
        expected,
      ])) as Array<{ id: string }>;
      expect(logged.map((r) => r.id).sort()).toEqual(expected);
    }
    expect(await problems()).toEqual(CLEAN);
  });

  test('a purge starts only from a checkpoint a witness cosigned', async () => {
    const before = (await cleanLogs()).mynumber;
    await stack.stopSubgraph('registry');
    await stack.stopSubgraph('immigration');
    try {
      // Rows appended as a read appends them; the My Number log's new checkpoint finds no witness to cosign it.
      const principal = { sub: 'officer-1', role: 'isa-officer', agency: 'isa', purpose: 'test', requestId: 'purge-test' } as Principal;
      await writeAccessLog(stack.dbs.mynumber, 'mynumber', principal, [{ subject: PEOPLE[0]!, items: ['Person.myNumber'], action: 'read', outcome: 'ok' }]);
      const grown = await eventually(async () => {
        const s = await logState('mynumber');
        return s.waiting === 0 && s.size > before && s.signed === s.size && s;
      }, 20_000);
      expect(grown.cosignedBy).toEqual([]);
      await backup('mynumber', 'purge', LOG_TABLES);
      // Every checkpoint is past a retention of 0 days, but only the ones up to `before` were cosigned.
      expect(await purgeAccessLog(stack.dbs.mynumber, 0)).toBe(before);
      const [{ first }] = (await stack.dbs.mynumber.query(`SELECT min(leaf_index)::int AS first FROM access_log`)) as [{ first: number }];
      expect(first).toBe(before);
      await restore('mynumber', 'purge', LOG_TABLES);
    } finally {
      await stack.startSubgraph('immigration');
      await stack.startSubgraph('registry');
    }
    await cleanLogs();
  });

  test('checkpoints thinned to one an hour: the logs still verify and the witnesses go on cosigning', async () => {
    await cleanLogs();
    const hours = async (a: Authority) =>
      (
        (await stack.dbs[a].query(`SELECT count(DISTINCT date_trunc('hour', at))::int AS n, count(*)::int AS all FROM access_log_checkpoint`)) as [
          { n: number; all: number },
        ]
      )[0];
    const witnessedHours = async (a: Authority) =>
      (await stack.dbs[a].query(
        `SELECT origin, count(DISTINCT date_trunc('hour', at))::int AS n FROM access_log_witnessed GROUP BY origin ORDER BY origin`,
      )) as Array<{ origin: string; n: number }>;
    for (const a of AUTHORITIES) {
      const { n, all } = await hours(a);
      const held = await witnessedHours(a);
      expect(all).toBeGreaterThan(n);
      // Nothing is thinned while it is younger than the dense period.
      expect(await thinCheckpoints(stack.dbs[a], 24)).toEqual({ log: 0, witnessed: 0 });
      await thinCheckpoints(stack.dbs[a], 0);
      // Settled: each hour's newest checkpoint is cosigned, so one checkpoint an hour is left; and one per log an hour in the witness.
      expect(await hours(a)).toEqual({ n, all: n });
      expect(
        (await stack.dbs[a].query(`SELECT origin, count(*)::int AS n FROM access_log_witnessed GROUP BY origin ORDER BY origin`)) as unknown[],
      ).toEqual(held);
    }
    expect(await problems()).toEqual(CLEAN);
    // New checkpoints are cosigned from what each witness kept.
    await cleanLogs();
  });
});

