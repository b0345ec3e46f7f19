import type { Experimental_DidResolveQueryPlanCallback } from '@apollo/gateway';
import { Kind, parse, print, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { rootFieldsOf } from '../auth/partnerFields';
import type { OwnPlan } from './ownPlan';

type Resolved = Parameters<Experimental_DidResolveQueryPlanCallback>[0];

/**
 * A query operation Apollo Server has parsed and validated (with every rule and limit of this gateway) and the
 * gateway has planned: what a later request for the same text (or approved hash) needs to run at once.
 */
export interface PreparedOperation {
  /** SHA-256 (hex) of the text: the manifest id when the operation is an approved one. */
  queryHash: string;
  text: string;
  document: DocumentNode;
  /** The operation's name, when it has one. */
  name: string | null;
  queryPlan: Resolved['queryPlan'];
  serviceMap: Resolved['serviceMap'];
  operationContext: Resolved['operationContext'];
  /** Its root fields (aliases counted, `__typename` left out), for the partners' rule. */
  rootFields: string[];
  /** The plan's one fetch, when the subgraph's answer to it is the client's answer as it stands (see passThroughFetch). */
  passThrough?: PassThroughFetch;
  /** The gateway's own runner of the plan, made on first use (null when the plan or operation is not one it takes). */
  ownPlan?: OwnPlan | null;
}

/** A query plan's fetch node, as far as the lean path reads it. */
export interface PassThroughFetch {
  serviceName: string;
  operation: string;
  operationName: string | undefined;
  variableUsages?: string[];
  operationDocumentNode?: DocumentNode;
}

/**
 * The plan's fetch when the whole plan is that one fetch and it asks the subgraph exactly what the client asked:
 * the same selections (no `__typename` or key fields added, no fragments to expand, no aliases or rewrites) and
 * the same variables. Then an answer with data and nothing else is, byte for byte, what the gateway would make
 * of it, and can be sent on as it came (servePrepared.ts).
 */
export function passThroughFetch(queryPlan: Resolved['queryPlan'], document: DocumentNode, operation: OperationDefinitionNode): PassThroughFetch | undefined {
  const node = queryPlan.node;
  if (node?.kind !== 'Fetch' || node.operationKind !== 'query' || node.requires || node.hasDefers) return undefined;
  if (node.inputRewrites?.length || node.outputRewrites?.length || node.contextRewrites?.length) return undefined;
  if (document.definitions.length !== 1 || operation.directives?.length) return undefined;
  const sent = (node.operationDocumentNode ?? parse(node.operation)).definitions;
  const theirs = sent[0];
  if (sent.length !== 1 || theirs?.kind !== Kind.OPERATION_DEFINITION || theirs.directives?.length) return undefined;
  if (print(theirs.selectionSet) !== print(operation.selectionSet)) return undefined;
  const variables = (op: OperationDefinitionNode) => (op.variableDefinitions ?? []).map((v) => print(v)).join(',');
  if (variables(theirs) !== variables(operation)) return undefined;
  return node;
}

/**
 * The operations prepared so far, by text and by hash, captured from the gateway's own executor on first use
 * (`experimental_didResolveQueryPlan`), so their documents, validation and query plans are exactly Apollo's. Only
 * single-operation query documents are kept; at most `maxOperations` of them (the oldest go first).
 */
export class PreparedOperations {
  private readonly byText = new Map<string, PreparedOperation>();
  private readonly byHash = new Map<string, PreparedOperation>();

  constructor(private readonly maxOperations = 1000) {}

  /** The callback for ApolloGateway's `experimental_didResolveQueryPlan`. */
  readonly capture: Experimental_DidResolveQueryPlanCallback = ({ queryPlan, serviceMap, operationContext, requestContext }) => {
    const { queryHash, source, document, request } = requestContext;
    if (!source || !queryHash || this.byHash.has(queryHash)) return;
    const operation = operationContext.operation;
    if (operation.operation !== 'query') return;
    if (document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length !== 1) return;
    const name = operation.name?.value ?? null;
    if (request.operationName !== undefined && request.operationName !== name) return;
    if (this.byText.size >= this.maxOperations) {
      const oldest = this.byText.values().next();
      if (!oldest.done) {
        this.byText.delete(oldest.value.text);
        this.byHash.delete(oldest.value.queryHash);
      }
    }
    const prepared: PreparedOperation = {
      queryHash,
      text: source,
      document,
      name,
      queryPlan,
      serviceMap: { ...serviceMap },
      operationContext,
      rootFields: rootFieldsOf(document, operation),
      passThrough: passThroughFetch(queryPlan, document, operation),
    };
    this.byText.set(source, prepared);
    this.byHash.set(queryHash, prepared);
  };

  /** The prepared operation with this exact text. */
  withText(text: string): PreparedOperation | undefined {
    return this.byText.get(text);
  }

  /** The prepared operation whose text has this SHA-256. */
  withHash(hash: string): PreparedOperation | undefined {
    return this.byHash.get(hash);
  }

  get size(): number {
    return this.byText.size;
  }
}
