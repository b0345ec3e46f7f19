/**
 * Peer: plain `@apollo/gateway` + `@apollo/server` `startStandaloneServer` with their defaults, on the same
 * supergraph file; the only addition is a data source that forwards the pre-signed principal per subgraph.
 */
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import type { Authority } from '../../../runtime/authority';
import { BENCH_CALLER_HEADER, callerOf, PRINCIPAL_HEADER, readPrincipals, type BenchCaller } from '../principals';

interface Context {
  caller: BenchCaller;
}

async function main(): Promise<void> {
  const tokens = readPrincipals();
  const urls = JSON.parse(process.env.BENCH_SUBGRAPH_URLS!) as Record<Authority, string>;
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(process.env.SUPERGRAPH_PATH!, 'utf8'),
    buildService: ({ name }) =>
      new (class extends RemoteGraphQLDataSource<Context> {
        override willSendRequest({ request, context }: { request: { http?: { headers: { set(k: string, v: string): void } } }; context: Partial<Context> }) {
          request.http?.headers.set(PRINCIPAL_HEADER, tokens[context.caller ?? 'officer'][name as Authority]);
        }
      })({ url: urls[name as Authority] }),
  });
  const server = new ApolloServer<Context>({ gateway });
  const { url } = await startStandaloneServer(server, {
    listen: { port: Number(process.env.PORT), host: '127.0.0.1' },
    context: async ({ req }) => ({ caller: callerOf(req.headers[BENCH_CALLER_HEADER]) }),
  });
  console.log(`apolloGateway listening at ${url}`);
  const stop = () => void server.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main().catch((err: Error) => {
  console.error(err);
  process.exit(1);
});
