import { PURPOSES_BY_ROLE, type Role } from '../../schema/access';
import { startStack, type Stack } from '../harness';
import { persona } from '../personas';

/**
 * Reading a person by something other than My Number, for every role and purpose. The field-by-field read matrix,
 * written by hand from the law, is readMatrix.test.ts.
 */
const CALLERS: Array<{ role: Role; purpose: string }> = (Object.keys(PURPOSES_BY_ROLE) as Role[])
  .filter((role) => role !== 'partner')
  .flatMap((role) => PURPOSES_BY_ROLE[role].map((purpose) => ({ role, purpose })));

/**
 * Who sees the holder's residence card, written by hand (not derived from the policy tables, which it checks): the
 * ISA and every counter that works with the card, each for its purpose, and the holder; the analyst reaches no
 * person, and the auditor reaches the person only for the access log.
 */
const SEES_CARD: Record<string, boolean> = {
  'isa-officer/residence-management': true,
  'municipal-clerk/resident-registration': true,
  'municipal-clerk/my-number-card-issuance': true,
  'jlis-operator/my-number-card-management': true,
  'analyst/statistics': false,
  'auditor/audit': false,
  'resident/own-record': true,
};

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
  expect(CALLERS.map(({ role, purpose }) => `${role}/${purpose}`).sort()).toEqual(Object.keys(SEES_CARD).sort());
  for (const { role, purpose } of CALLERS) {
    const { body } = await stack.query(await tokenFor(role, purpose), `query ($c: String!) { residenceCard(number: $c) { status } }`, {
      c: subject.residenceCardNumber,
    });
    const seen = (body.data as { residenceCard: unknown } | undefined)?.residenceCard != null;
    const expected = SEES_CARD[`${role}/${purpose}`];
    expect({ role, purpose, seen }).toEqual({ role, purpose, seen: expected });
  }
});
