/**
 * The benchmark's lookups answered by calling the three subgraphs directly with fixed operations: the query
 * plan of the unified record written by hand (J-LIS first, then the registry and the ISA in parallel, the ISA
 * receiving J-LIS's card for `cardArrangement`), with no client-side parsing, validation or planning.
 *
 * Used twice: once by the orchestrator, before any load, to compute the expected answers from the seeded data
 * (independently of every contender's planner and executor), and as the `floor` contender on the embedded
 * default, where the databases live inside the subgraph processes and nothing else can read them, and as
 * `floorSubgraphs` on PostgreSQL: the least a Node gateway over these subgraphs does for a lookup (HTTP in, the three
 * calls through the gateway's own HTTP client, JSON parsed, merged and written), with nothing of a gateway's own.
 */
import type { Authority } from '../../runtime/authority';
import { createSubgraphAgent, postToSubgraph } from '../../gateway/resilience/subgraphClient';
import { STATISTICS_FIELDS, VERIFY_FIELDS } from './operations';
import { PRINCIPAL_HEADER, type BenchCaller, type PrincipalTokens } from './principals';

const MYNUMBER_PERSON = 'query ($n: ID!) { person(myNumber: $n) { myNumber myNumberCard { kind status validUntil } } }';
const MYNUMBER_PERSONS = 'query ($ns: [ID!]!) { persons(myNumbers: $ns) { myNumber myNumberCard { kind status validUntil } } }';
const REGISTRY_ENTITIES = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Person {
  resident { familyName givenName birthDate address { line municipality { code name } } } } } }`;
const IMMIGRATION_ENTITIES = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Person {
  cardArrangement
  immigration { nationality { code } statusOfResidence stayExpiresOn workRestriction }
  residenceCard { number kind status validUntil lossReportedOn } } } }`;
const IMMIGRATION_VERIFY = `query ($number: String!, $expiresOn: Date!) { verifyResidenceCard(number: $number, expiresOn: $expiresOn) { ${VERIFY_FIELDS} } }`;

const IMMIGRATION_STATISTICS = `query ($groupBy: [StatisticsDimension!]!, $filter: StatisticsFilter) { foreignResidentStatistics(groupBy: $groupBy, filter: $filter) { ${STATISTICS_FIELDS} } }`;

type Json = Record<string, unknown>;
export type PersonAnswer = Json | null;

export class SubgraphError extends Error {}

export class SubgraphDirect {
  private readonly agent = createSubgraphAgent();

  constructor(
    private readonly urls: Record<Authority, string>,
    private readonly tokens: PrincipalTokens,
  ) {}

  /** The unified records of `myNumbers`, in order (null for unknown or invisible ones), as the officer sees them. */
  async persons(myNumbers: string[], single = false): Promise<PersonAnswer[]> {
    const roots = single
      ? [((await this.call('mynumber', 'officer', MYNUMBER_PERSON, { n: myNumbers[0] })) as { person: Json | null }).person]
      : ((await this.call('mynumber', 'officer', MYNUMBER_PERSONS, { ns: myNumbers })) as { persons: Array<Json | null> }).persons;
    const found = roots.filter((p): p is Json => p !== null);
    if (found.length === 0) return roots.map(() => null);
    const [registry, immigration] = await Promise.all([
      this.call('registry', 'officer', REGISTRY_ENTITIES, { r: found.map((p) => ({ __typename: 'Person', myNumber: p.myNumber })) }),
      this.call('immigration', 'officer', IMMIGRATION_ENTITIES, {
        r: found.map((p) => ({ __typename: 'Person', myNumber: p.myNumber, myNumberCard: kindAndStatus(p.myNumberCard as Json | null) })),
      }),
    ]);
    const residents = (registry as { _entities: Json[] })._entities;
    const isa = (immigration as { _entities: Json[] })._entities;
    let i = 0;
    return roots.map((root) => {
      if (root === null) return null;
      const r = residents[i]!;
      const m = isa[i++]!;
      // The order of the client's selection.
      return {
        myNumber: root.myNumber,
        cardArrangement: m.cardArrangement,
        resident: r.resident,
        immigration: m.immigration,
        residenceCard: m.residenceCard,
        myNumberCard: root.myNumberCard,
      };
    });
  }

  /** An analyst's statistics table: one subgraph (the ISA) holds the counts. */
  async statistics(groupBy: string[], filter: Json): Promise<Json> {
    return ((await this.call('immigration', 'analyst', IMMIGRATION_STATISTICS, { groupBy, filter })) as { foreignResidentStatistics: Json })
      .foreignResidentStatistics;
  }

  /** A partner's card check. */
  async verify(number: string, expiresOn: string): Promise<Json> {
    return ((await this.call('immigration', 'partner', IMMIGRATION_VERIFY, { number, expiresOn })) as { verifyResidenceCard: Json })
      .verifyResidenceCard;
  }

  close(): void {
    void this.agent.destroy();
  }

  private async call(authority: Authority, caller: BenchCaller, query: string, variables: Json): Promise<Json> {
    const body = JSON.stringify({ query, variables });
    const headers = { 'content-type': 'application/json', [PRINCIPAL_HEADER]: this.tokens[caller][authority] };
    const answer = await postToSubgraph(this.agent, this.urls[authority], headers, body, 60_000);
    const parsed = answer.body as { data?: Json; errors?: unknown[] };
    if (parsed.errors?.length || !parsed.data) throw new SubgraphError(`${authority}: ${JSON.stringify(parsed.errors ?? parsed)}`);
    return parsed.data;
  }
}

function kindAndStatus(card: Json | null): Json | null {
  return card ? { kind: card.kind, status: card.status } : null;
}
