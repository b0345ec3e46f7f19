import { PURPOSES_BY_ROLE, type Role } from '../../schema/access';
import { mayRead } from '../../subgraphs/kit/fieldPolicy';
import { FIELD_POLICY as IMMIGRATION, PERSON_POLICY as IMMIGRATION_PERSONS } from '../../subgraphs/immigration/policy';
import { startStack, type Stack } from '../harness';
import { persona } from '../personas';

/**
 * Reading a person by something other than My Number, for every role and purpose. The field-by-field read matrix,
 * written by hand from the law, is readMatrix.test.ts.
 */
const CALLERS: Array<{ role: Role; purpose: string }> = (Object.keys(PURPOSES_BY_ROLE) as Role[])
  .filter((role) => role !== 'partner')
  .flatMap((role) => PURPOSES_BY_ROLE[role].map((purpose) => ({ role, purpose })));

let stack: Stack;
const subject = persona('specific_card');
let municipality: string;

beforeAll(async () => {
  stack = await startStack({ persons: 20 });
  const [row] = await stack.dbs.registry.query(`SELECT municipality_code AS m FROM resident WHERE my_number = $1`, [subject.myNumber]);
  municipality = row.m;
});
afterAll(() => stack?.stop());

async function tokenFor(role: Role, purpose: string): Promise<string> {
  return stack.token(role, {
    municipality: role === 'municipal-clerk' ? municipality : undefined,
    myNumber: role === 'resident' ? subject.myNumber! : undefined,
    purpose,
  });
}

test('a residence card looked up by number is shown only to roles that may see its holder', async () => {
  for (const { role, purpose } of CALLERS) {
    const { body } = await stack.query(await tokenFor(role, purpose), `query ($c: String!) { residenceCard(number: $c) { status } }`, {
      c: subject.residenceCardNumber,
    });
    const seen = (body.data as { residenceCard: unknown } | undefined)?.residenceCard != null;
    const expected = (IMMIGRATION_PERSONS[role] ?? 'none') !== 'none' && mayRead(IMMIGRATION, { role, purpose }, 'ResidenceCard', 'status');
    expect({ role, purpose, seen }).toEqual({ role, purpose, seen: expected });
  }
});
