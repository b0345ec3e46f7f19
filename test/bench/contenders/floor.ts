/**
 * The floor: one plain node:http process answering the benchmark's lookups with no GraphQL of its own. It
 * knows the benchmark's operations by their exact text (as a safelist would) and answers each:
 * - `subgraph-direct` (the embedded default, where each database lives inside its subgraph process): the
 *   hand-written plan of subgraphDirect.ts over the same subgraph processes;
 * - `sql` (BENCH_FLOOR=sql, with the three PostgreSQL URLs): straight from the three databases, see sqlFloor.ts;
 *   with BENCH_FLOOR_ACCESS_LOG=1 (the honest floor, `floorAudited`) it also writes the access log the subgraphs
 *   write, as the officer or partner the peers' principals name.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { decodeJwt } from 'jose';
import type { Authority } from '../../../runtime/authority';
import type { Principal } from '../../../runtime/principal';
import { BENCH_CALLER_HEADER, readPrincipals, type PrincipalTokens } from '../principals';
import { OPERATIONS } from '../operations';
import { SubgraphDirect } from '../subgraphDirect';
import * as sql from './sqlFloor';

export interface FloorBackend {
  persons(myNumbers: string[], single: boolean): Promise<unknown[]>;
  verify(number: string, expiresOn: string): Promise<unknown>;
}

/** The callers the pre-signed principals name (the same claims in every authority's token). */
function callers(tokens: PrincipalTokens): sql.FloorCallers {
  const claims = (token: string) => {
    const { sub, role, agency, purpose, scopes } = decodeJwt(token) as unknown as Principal;
    return { sub, role, agency, purpose, scopes };
  };
  return { officer: claims(tokens.officer.mynumber), partner: claims(tokens.partner.immigration) };
}

async function backend(): Promise<FloorBackend> {
  if (process.env.BENCH_FLOOR === 'sql') {
    const urls = JSON.parse(process.env.BENCH_DATABASE_URLS!) as Record<Authority, string>;
    return sql.SqlFloor.open(urls, process.env.BENCH_FLOOR_ACCESS_LOG === '1' ? callers(readPrincipals()) : undefined);
  }
  return new SubgraphDirect(JSON.parse(process.env.BENCH_SUBGRAPH_URLS!) as Record<Authority, string>, readPrincipals());
}

let direct: SubgraphDirect | null = null;
/** Statistics go to the ISA subgraph in either floor kind (SQL would add up millions of rows per query). */
function statistics(): SubgraphDirect {
  direct ??= new SubgraphDirect(JSON.parse(process.env.BENCH_SUBGRAPH_URLS!) as Record<Authority, string>, readPrincipals());
  return direct;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<void> {
  const floor = await backend();
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/statements') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ statements: sql.sqlStatements.request, audit: sql.sqlStatements.audit }));
      return;
    }
    void (async () => {
      const { query, variables } = JSON.parse(await readBody(req)) as { query: string; variables: Record<string, unknown> };
      let data: unknown;
      switch (query) {
        case OPERATIONS.unified:
          data = { person: (await floor.persons([variables.n as string], true))[0] };
          break;
        case OPERATIONS.batch:
          data = { persons: await floor.persons(variables.ns as string[], false) };
          break;
        case OPERATIONS.statistics:
          // The counts live in the ISA subgraph's memory: the floor asks it directly, with no routing of its own.
          if (req.headers[BENCH_CALLER_HEADER] !== 'analyst') throw new Error('statistics are for analysts');
          data = { foreignResidentStatistics: await statistics().statistics(variables.groupBy as string[], (variables.filter ?? {}) as Record<string, unknown>) };
          break;
        case OPERATIONS.verify:
          if (req.headers[BENCH_CALLER_HEADER] !== 'partner') throw new Error('card checks are for partners');
          data = { verifyResidenceCard: await floor.verify(variables.number as string, variables.expiresOn as string) };
          break;
        default:
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ errors: [{ message: 'The floor answers only the benchmark operations' }] }));
          return;
      }
      const body = JSON.stringify({ data });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    })().catch((err: Error) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: err.message }] }));
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('floor listening'));
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main().catch((err: Error) => {
  console.error(err);
  process.exit(1);
});
