/**
 * Peer: Hive Gateway (`@graphql-hive/gateway`, installed in test/bench/peers) on the same supergraph file,
 * forwarding the pre-signed principal per subgraph through its header propagation. With
 * BENCH_HIVE_ROUTER_RUNTIME=1 it plans with the Rust query planner (`@graphql-hive/router-runtime`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Authority } from '../../../runtime/authority';
import { BENCH_CALLER_HEADER, callerOf, PRINCIPAL_HEADER, readPrincipals } from '../principals';

const peers = createRequire(join(__dirname, '..', 'peers', 'package.json'));

async function main(): Promise<void> {
  // Typed loosely on purpose: the peers are not installed for the type check (`npm run typecheck`).
  const { createGatewayRuntime } = peers('@graphql-hive/gateway') as {
    createGatewayRuntime(config: Record<string, unknown>): ((req: IncomingMessage, res: ServerResponse) => void) & { dispose(): Promise<void> };
  };
  const rust = process.env.BENCH_HIVE_ROUTER_RUNTIME === '1';
  const tokens = readPrincipals();
  const urls = JSON.parse(process.env.BENCH_SUBGRAPH_URLS!) as Record<Authority, string>;
  const gateway = createGatewayRuntime({
    supergraph: process.env.SUPERGRAPH_PATH!,
    transportEntries: Object.fromEntries(Object.entries(urls).map(([name, location]) => [name, { location }])),
    propagateHeaders: {
      fromClientToSubgraphs: ({ request, subgraphName }: { request: Request; subgraphName: string }) => ({
        [PRINCIPAL_HEADER]: tokens[callerOf(request.headers.get(BENCH_CALLER_HEADER))][subgraphName as Authority],
      }),
    },
    ...(rust ? { unifiedGraphHandler: (peers('@graphql-hive/router-runtime') as { unifiedGraphHandler: unknown }).unifiedGraphHandler } : {}),
    graphiql: false,
    landingPage: false,
    logging: 'warn',
  });
  const server = createServer(gateway);
  server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`hive gateway (${rust ? 'rust planner' : 'default planner'}) listening`));
  const stop = () => void gateway.dispose().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main().catch((err: Error) => {
  console.error(err);
  process.exit(1);
});
