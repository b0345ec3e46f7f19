import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { execute, visit, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/**
 * How a subgraph executes an operation once Apollo Server has parsed, validated and resolved it:
 * - `compiled` (the default): graphql-jit turns an operation run often enough into a JavaScript function, once, and
 *   runs that (COMPILE_RULES below); until then, and for large operations, graphql-js interprets it.
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
 * When an operation is worth compiling. Compiling costs far more than one interpreted run (a few milliseconds for
 * the operations the gateway sends, tens to hundreds for the largest text the gateway's limits let through), so a
 * caller who sends distinct texts (a flood of them, from one valid account) must not make a subgraph compile each:
 * - `after`: an operation is interpreted this many times before it is compiled, so compiling costs a flood of
 *   distinct texts at most one compile per `after` requests, while the texts of the gateway's plans, which repeat
 *   with every request, are compiled within their first seconds;
 * - `maxFields`: an operation with more field selections than this (fragments included) is always interpreted,
 *   which bounds the cost of one compile.
 */
export interface CompileRules {
  after: number;
  maxFields: number;
}

export const COMPILE_RULES: CompileRules = { after: 10, maxFields: 100 };

/** Field selections in a document, fragments included (each counted where it is written). */
function fieldCount(document: DocumentNode): number {
  let fields = 0;
  visit(document, { Field: () => void fields++ });
  return fields;
}

/**
 * Apollo Server's hook for executing with something other than graphql-js, its gateway interface: it still
 * parses, validates and runs every plugin, then hands the resolved operation to `executor`.
 */
export function compiledExecution(
  schema: GraphQLSchema,
  executed: (how: SubgraphExecution) => void = () => undefined,
  rules: CompileRules = COMPILE_RULES,
): GatewayInterface {
  // Per parsed document (Apollo Server keeps one per query text, so a repeated text is the same object) and
  // operation name: the runs so far, then the compiled query, or 'interpret' for good (too large, or declined by
  // graphql-jit); forgotten with the document.
  const plans = new WeakMap<DocumentNode, Map<string | null, number | 'interpret' | CompiledQuery>>();

  const executor: GatewayExecutor = async (rc) => {
    const { document, operationName, context } = rc;
    const variables = rc.request.variables;
    let byName = plans.get(document);
    if (!byName) plans.set(document, (byName = new Map()));
    let plan = byName.get(operationName) ?? (fieldCount(document) > rules.maxFields ? 'interpret' : 0);
    if (typeof plan === 'number' && plan < rules.after) {
      byName.set(operationName, plan + 1);
      plan = 'interpret';
    } else if (typeof plan === 'number') {
      const made = compileQuery(schema, document, operationName ?? undefined, { disablingCapturingStackErrors: true });
      byName.set(operationName, (plan = isCompiledQuery(made) ? made : 'interpret'));
    } else if (!byName.has(operationName)) {
      byName.set(operationName, plan);
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
