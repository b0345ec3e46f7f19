import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { execute, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/**
 * How a subgraph executes an operation once Apollo Server has parsed, validated and resolved it:
 * - `compiled` (the default): graphql-jit turns an operation seen before into a JavaScript function, once, and runs
 *   that; an operation's first sighting is interpreted, so one-off texts cost no compilation.
 * - `interpreted`: graphql-js's `execute` every time.
 *
 * Both run the same resolvers with the same context, so the field policy (guardFields wraps every guarded field's
 * resolver), entity resolution and every plugin hook before and after execution stay as they are: only the walk
 * over the selection set differs. No plugin of the subgraphs uses the per-field hook (`willResolveField`), which a
 * custom executor does not call.
 *
 * One difference shows: graphql-js stops resolving an object's other fields once a non-null field of it fails,
 * graphql-jit resolves them all. Where a caller asks for several refused fields beside a refused non-null one (the
 * object is null either way), the compiled answer has a FORBIDDEN error for each, and the access-log row names each;
 * interpreted, those reached first. test/e2e/compiledExecution.test.ts holds the two to the same answers otherwise.
 */
export type SubgraphExecution = 'compiled' | 'interpreted';

/** Reads SUBGRAPH_EXECUTION (`compiled` when unset); anything else is refused at start. */
export function subgraphExecutionFrom(env: NodeJS.ProcessEnv): SubgraphExecution {
  const value = env.SUBGRAPH_EXECUTION ?? 'compiled';
  if (value !== 'compiled' && value !== 'interpreted') {
    throw new Error(`SUBGRAPH_EXECUTION must be "compiled" or "interpreted", not ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Apollo Server's hook for executing with something other than graphql-js, its gateway interface: it still
 * parses, validates and runs every plugin, then hands the resolved operation to `executor`.
 */
export function compiledExecution(schema: GraphQLSchema, executed: (how: SubgraphExecution) => void = () => undefined): GatewayInterface {
  // Per parsed document (Apollo Server keeps one per query text, so a repeated text is the same object) and
  // operation name: 'seen' after the first run, then the compiled query, or 'interpret' where graphql-jit declined;
  // forgotten with the document.
  const plans = new WeakMap<DocumentNode, Map<string | null, 'seen' | 'interpret' | CompiledQuery>>();

  const executor: GatewayExecutor = async (rc) => {
    const { document, operationName, context } = rc;
    const variables = rc.request.variables;
    let byName = plans.get(document);
    if (!byName) plans.set(document, (byName = new Map()));
    let plan = byName.get(operationName);
    if (plan === undefined) {
      byName.set(operationName, 'seen');
      plan = 'interpret';
    } else if (plan === 'seen') {
      const made = compileQuery(schema, document, operationName ?? undefined, { disablingCapturingStackErrors: true });
      byName.set(operationName, (plan = isCompiledQuery(made) ? made : 'interpret'));
    }
    if (plan === 'interpret') {
      executed('interpreted');
      return execute({ schema, document, operationName, contextValue: context, variableValues: variables }) as Promise<ExecutionResult> | ExecutionResult;
    }
    executed('compiled');
    return plan.query(undefined, context, variables);
  };

  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    load: async () => ({ executor }),
    stop: async () => undefined,
  };
}
