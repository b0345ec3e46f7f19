import { TEST_TODAY, type Stack } from '../harness';

/**
 * A clerk of the person's own municipality moving them within it (`changeAddress`), and the registry's count of
 * their addresses, which each change made adds one to: whether a change was made is read from the database.
 */
export async function addressChange(stack: Stack, myNumber: string) {
  const [{ municipality }] = await stack.dbs.registry.query(`SELECT municipality_code AS municipality FROM resident WHERE my_number = $1`, [myNumber]);
  const clerk = await stack.token('municipal-clerk', { municipality });
  const CHANGE = `mutation ($n: ID!, $m: String!, $l: String!, $d: Date!) {
    changeAddress(myNumber: $n, municipalityCode: $m, addressLine: $l, movedOn: $d) { myNumber }
  }`;
  return {
    move: (line: string) => stack.query(clerk, CHANGE, { n: myNumber, m: municipality, l: line, d: TEST_TODAY }),
    addresses: async (): Promise<number> => {
      const [{ n }] = await stack.dbs.registry.query(
        `SELECT count(*)::int AS n FROM address a JOIN resident r ON r.id = a.resident_id WHERE r.my_number = $1`,
        [myNumber],
      );
      return n;
    },
  };
}
