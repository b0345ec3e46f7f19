import { DEFAULT_RESILIENCE } from '../../gateway/resilience/subgraphGuard';
import { databaseKind, startStack, type Stack } from '../harness';
import { addressChange } from './addressChange';
import { holding } from './holding';
import { persona } from '../personas';

/**
 * A change that cannot finish before the gateway gives up on it (3 s): another session holds the person's row (a
 * clerk's long transaction, an operator's `SELECT ... FOR UPDATE`). The clerk must be told the truth: either the
 * change was made, or it was not and never will be. Before, the gateway answered AUTHORITY_UNAVAILABLE after 3 s
 * while the change waited on, and it was made once the row was free. A row held by another session needs
 * PostgreSQL: the embedded database has one session.
 */
const onPostgres = databaseKind === 'postgresql' ? describe : describe.skip;

onPostgres('a change that cannot be made in time', () => {
  let stack: Stack;
  const person = persona('specific_card');
  beforeAll(async () => {
    // The gateway's default timeout, and a circuit that never opens: the answer below is the registry's own.
    stack = await startStack({ persons: 10, gateway: { resilience: { ...DEFAULT_RESILIENCE, breakAfter: 1000 } } });
  });
  afterAll(() => stack?.stop());

  test('the person held by another session past the deadline: the clerk is told nothing changed, and nothing does', async () => {
    const { move: moveTo, addresses } = await addressChange(stack, person.myNumber!);
    const move = () => moveTo('7-7-7');
    const held = await addresses();

    await holding(stack.dbs.registry, `SELECT id FROM resident WHERE my_number = $1 FOR UPDATE`, [person.myNumber], async () => {
      const refused = await move();
      expect(refused.body.errors?.map((e) => [e.extensions?.code, (e.extensions as { authority?: string } | undefined)?.authority])).toEqual([
        ['AUTHORITY_ERROR', 'registry'],
      ]);
      // The row stays held a little longer, as a slow transaction would.
      await new Promise((r) => setTimeout(r, 1000));
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(await addresses()).toBe(held);
    // The attempt is in the registry's log, with what it was told.
    const [row] = await stack.dbs.registry.query(
      `SELECT outcome FROM access_log WHERE subject = $1 AND action = 'changeAddress' ORDER BY id DESC LIMIT 1`,
      [person.myNumber],
    );
    expect(row).toEqual({ outcome: 'rejected:AUTHORITY_ERROR' });

    // With the row free, the same change is made.
    const made = await move();
    expect(made.body.errors).toBeUndefined();
    expect(await addresses()).toBe(held + 1);
  }, 30_000);
});
