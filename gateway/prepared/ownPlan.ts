import type { Experimental_DidResolveQueryPlanCallback } from '@apollo/gateway';
import { deepMerge } from '@apollo/gateway/dist/utilities/deepMerge';
import {
  getNamedType,
  getNullableType,
  isAbstractType,
  isEnumType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLEnumType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

type Resolved = Parameters<Experimental_DidResolveQueryPlanCallback>[0];
type QueryPlan = Resolved['queryPlan'];
type ServiceMap = Resolved['serviceMap'];
type ProcessOptions = Parameters<ServiceMap[string]['process']>[0];
type SubgraphResponse = Awaited<ReturnType<ServiceMap[string]['process']>>;

/** The plan nodes this runner takes (the rest of @apollo/query-planner's kinds make it decline the plan). */
type Node = { kind: 'Sequence' | 'Parallel'; nodes: Node[] } | { kind: 'Flatten'; path: Array<string | number>; node: Node } | Fetch;
interface Fetch {
  kind: 'Fetch';
  serviceName: string;
  variableUsages?: string[];
  requires?: Required[];
  operation: string;
  operationName: string | undefined;
  operationKind: string;
  operationDocumentNode?: unknown;
  hasDefers?: boolean;
  inputRewrites?: unknown[];
  outputRewrites?: unknown[];
  contextRewrites?: unknown[];
}
type Required = { kind: 'Field'; alias?: string; name: string; selections?: Required[] } | { kind: 'InlineFragment'; typeCondition?: string; selections: Required[] };

/** How a value of the client's operation is checked and copied into the answer. */
interface ValueShape {
  nonNull: boolean;
  list?: ValueShape;
  object?: { name: string; fields: FieldShape[] };
  /** Whether a leaf value is one the type allows (@apollo/federation-internals' isValidLeafValue). */
  leaf?: (value: unknown) => boolean;
}
interface FieldShape {
  responseName: string;
  /** `__typename`: the parent's type name. */
  typename: boolean;
  value?: ValueShape;
}

/** A value that @apollo/gateway would not pass on as it is: the answer is left to its executor. */
const DECLINE = Symbol('decline');

/**
 * The one name that plain objects do not take as a key. The answer and the representations are built as plain
 * objects, not prototype-less ones: V8 keeps those in dictionary mode, slower to fill and to serialise.
 */
const PROTO = '__proto__';

/**
 * Runs a prepared query plan the way @apollo/gateway's executeQueryPlan runs it when nothing goes wrong, without
 * its per-request work (rebuilding the operation from its document, tracing spans, walking the operation's
 * selections through federation-internals to shape the answer): the same fetches, in the same order, sent
 * through the same data sources with the same requests; the same representations; the answers merged the same
 * way (Apollo's own deepMerge); then the client's selections copied out with the checks Apollo's result shaping
 * makes. Only plans of sequences, parallels, flattens and plain fetches are taken, and operations of fields and
 * fragments on object types without directives (`compile` returns undefined for anything else).
 *
 * The moment anything departs from the plain case (a subgraph's errors, a failed call, a missing `_entities`, a
 * null where the schema says non-null, a value of the wrong type, an unexpected `__typename`), the runner stops
 * sending, waits for the calls under way, and hands the request to executeQueryPlan with the answers already
 * received (each call made once), so errors, their paths, null propagation and partial answers are Apollo's own.
 */
export class OwnPlan {
  private constructor(
    private readonly root: Node,
    private readonly fields: FieldShape[],
    private readonly queryTypeName: string,
    private readonly supergraph: GraphQLSchema,
  ) {}

  /** The runner for a plan and the client's operation (selection set over the API schema), or undefined when it is not one this runner takes. */
  static compile(
    queryPlan: QueryPlan,
    selectionSet: SelectionSetNode,
    fragments: Readonly<Record<string, FragmentDefinitionNode>>,
    schema: GraphQLSchema,
    supergraph: GraphQLSchema,
  ): OwnPlan | undefined {
    const root = queryPlan.node as Node | undefined;
    const queryType = schema.getQueryType();
    if (!root || !queryType || !runnable(root)) return undefined;
    const fields = shapeOf(selectionSet, queryType, fragments, schema);
    return fields && new OwnPlan(root, fields, queryType.name, supergraph);
  }

  /**
   * Runs the plan. `data`: the client's data, when every call came back clean and the answer is plain; else
   * `replay`, a service map for executeQueryPlan that gives each call already made its answer again (and makes
   * any other call as usual).
   */
  async run(
    serviceMap: ServiceMap,
    request: { variables?: Record<string, unknown> },
    requestContext: { context: unknown },
  ): Promise<{ data: Record<string, unknown> } | { replay: ServiceMap }> {
    const run: Run = { serviceMap, variables: request.variables, requestContext, calls: [], declined: false };
    const unfiltered = Object.create(null) as Record<string, unknown>;
    await this.node(run, this.root, { path: [], data: unfiltered });
    if (!run.declined) {
      const data: Record<string, unknown> = {};
      if (copyFields(this.fields, unfiltered, data, this.queryTypeName)) return { data };
    }
    return { replay: replaying(serviceMap, run.calls) };
  }

  private async node(run: Run, node: Node, cursor: Cursor): Promise<void> {
    if (run.declined) return;
    switch (node.kind) {
      case 'Sequence':
        for (const child of node.nodes) await this.node(run, child, cursor);
        return;
      case 'Parallel':
        await Promise.all(node.nodes.map((child) => this.node(run, child, cursor)));
        return;
      case 'Flatten': {
        const data = flattenAt(cursor.data, node.path as string[]);
        if (data === DECLINE) return void decline(run);
        if (data === undefined || data === null) return;
        return this.node(run, node.node, { path: [...cursor.path, ...node.path], data });
      }
      case 'Fetch':
        return this.fetch(run, node, cursor);
    }
  }

  private async fetch(run: Run, fetch: Fetch, cursor: Cursor): Promise<void> {
    const entities = (Array.isArray(cursor.data) ? cursor.data.filter((e) => e !== null && e !== undefined) : [cursor.data]) as Array<Record<string, unknown>>;
    if (entities.length < 1) return;
    const variables = Object.create(null) as Record<string, unknown>;
    for (const name of fetch.variableUsages ?? []) {
      const provided = run.variables;
      if (provided && Object.hasOwn(provided, name) && provided[name] !== undefined) variables[name] = provided[name];
    }
    if (!fetch.requires) {
      const data = await this.send(run, fetch, cursor, variables);
      if (data === DECLINE) return;
      for (const entity of entities) deepMerge(entity, data);
      return;
    }
    const representations: Array<Record<string, unknown>> = [];
    for (const entity of entities) {
      const representation = this.represent(entity, fetch.requires);
      if (representation && representation.__typename) representations.push(representation);
    }
    if (representations.length < 1) return;
    // Apollo's merge pairs entities and answers by position only when every entity was sent.
    if (representations.length !== entities.length || 'representations' in variables) return void decline(run);
    const data = await this.send(run, fetch, cursor, { ...variables, representations });
    if (data === DECLINE || data === null || data === undefined) return;
    const received = (data as { _entities?: unknown })._entities;
    if (!Array.isArray(received) || received.length !== representations.length) return void decline(run);
    for (let i = 0; i < entities.length; i++) {
      const entity = received[i] as Record<string, unknown> | null;
      if (entity && !entity.__typename) entity.__typename = entities[i]!.__typename;
      deepMerge(entities[i], entity);
    }
  }

  /** Sends a fetch as executeQueryPlan does; its data, or DECLINE when the answer is anything but clean data. */
  private async send(run: Run, fetch: Fetch, cursor: Cursor, variables: Record<string, unknown>): Promise<unknown> {
    if (run.declined) return DECLINE;
    const service = run.serviceMap[fetch.serviceName];
    if (!service) return decline(run);
    const options = {
      kind: 'incoming operation',
      request: { query: fetch.operation, variables, operationName: fetch.operationName, http: undefined },
      incomingRequestContext: run.requestContext,
      context: run.requestContext.context,
      document: fetch.operationDocumentNode,
      pathInIncomingRequest: cursor.path,
    } as unknown as ProcessOptions;
    const answer = service.process(options);
    run.calls.push({ serviceName: fetch.serviceName, query: fetch.operation, variables, answer });
    let response: SubgraphResponse;
    try {
      response = await answer;
    } catch {
      return decline(run);
    }
    if (response.errors) return decline(run);
    return response.data;
  }

  /** A representation of an entity for `requires` (executeQueryPlan's executeSelectionSet). */
  private represent(source: unknown, selections: readonly Required[]): Record<string, unknown> | null {
    if (source === null) return null;
    const result: Record<string, unknown> = {};
    const object = source as Record<string, unknown>;
    for (const selection of selections) {
      if (selection.kind === 'Field') {
        const name = selection.alias ?? selection.name;
        if (!Object.hasOwn(object, name) || object[name] === undefined) return null;
        const value = object[name];
        const sub = selection.selections;
        if (Array.isArray(value)) result[name] = value.map((v) => (sub ? this.represent(v, sub) : v));
        else result[name] = sub ? this.represent(value, sub) : value;
      } else if (selection.typeCondition && source && this.isOfType(object, selection.typeCondition)) {
        deepMerge(result, this.represent(source, selection.selections));
      }
    }
    return result;
  }

  /** dataRewrites' isObjectOfType, over the supergraph. */
  private isOfType(object: Record<string, unknown>, condition: string): boolean {
    const typename = object.__typename;
    if (!typename) return false;
    if (typename === condition) return true;
    const type = this.supergraph.getType(String(typename));
    const conditional = this.supergraph.getType(condition);
    if (!type || !conditional || !isAbstractType(conditional)) return false;
    return (isObjectType(type) || isInterfaceType(type)) && this.supergraph.isSubType(conditional, type);
  }
}

interface Run {
  serviceMap: ServiceMap;
  variables: Record<string, unknown> | undefined;
  requestContext: { context: unknown };
  calls: Call[];
  declined: boolean;
}
interface Call {
  serviceName: string;
  query: string;
  variables: Record<string, unknown>;
  answer: Promise<SubgraphResponse>;
}
interface Cursor {
  path: Array<string | number>;
  data: unknown;
}

function decline(run: Run): typeof DECLINE {
  run.declined = true;
  return DECLINE;
}

/** A service map whose data sources answer each call already made with its answer, once; other calls go out as usual. */
function replaying(serviceMap: ServiceMap, calls: Call[]): ServiceMap {
  const left = calls.map((call) => ({ ...call, key: JSON.stringify(call.variables) }));
  const replay: ServiceMap = {};
  for (const [name, service] of Object.entries(serviceMap)) {
    replay[name] = {
      process: (options: ProcessOptions) => {
        const key = JSON.stringify(options.request.variables);
        const i = left.findIndex((c) => c.serviceName === name && c.query === options.request.query && c.key === key);
        if (i < 0) return service.process(options);
        return left.splice(i, 1)[0]!.answer;
      },
    };
  }
  return replay;
}

/** executeQueryPlan's flattenResultsAtPath; DECLINE where it would throw (a list where an object is expected, or the reverse). */
function flattenAt(value: unknown, path: readonly string[]): unknown {
  if (path.length === 0 || value === undefined || value === null) return value;
  const [current, ...rest] = path;
  if (current === '@') {
    if (!Array.isArray(value)) return DECLINE;
    const flat = value.flatMap((element) => flattenAt(element, rest));
    return flat.includes(DECLINE) ? DECLINE : flat;
  }
  if (Array.isArray(value) || typeof value !== 'object') return DECLINE;
  return flattenAt(Object.hasOwn(value, current!) ? (value as Record<string, unknown>)[current!] : undefined, rest);
}

/** Whether every node of the plan is one this runner takes. */
function runnable(node: Node): boolean {
  switch (node.kind) {
    case 'Sequence':
    case 'Parallel':
      return node.nodes.every(runnable);
    case 'Flatten':
      return node.path.every((p) => typeof p === 'string') && runnable(node.node);
    case 'Fetch':
      return (
        node.operationKind === 'query' &&
        !node.requires?.some(namesProto) &&
        !node.hasDefers &&
        !node.inputRewrites?.length &&
        !node.outputRewrites?.length &&
        !node.contextRewrites?.length
      );
    default:
      return false;
  }
}

/** Whether a representation would need the key plain objects do not take (never in a federation key today). */
function namesProto(selection: Required): boolean {
  if (selection.kind === 'Field' && (selection.alias ?? selection.name) === PROTO) return true;
  return selection.selections?.some(namesProto) ?? false;
}

/** The shapes of a selection set on an object type, or undefined when it has anything this runner leaves to Apollo. */
function shapeOf(
  selectionSet: SelectionSetNode,
  parent: GraphQLObjectType,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  schema: GraphQLSchema,
  into: FieldShape[] = [],
): FieldShape[] | undefined {
  for (const selection of selectionSet.selections) {
    if (selection.directives?.length) return undefined;
    if (selection.kind === Kind.FIELD) {
      const responseName = selection.alias?.value ?? selection.name.value;
      // Copied into plain objects, where this name would set the prototype: left to Apollo.
      if (responseName === PROTO) return undefined;
      // The same response name twice would be merged: left to Apollo.
      if (into.some((f) => f.responseName === responseName)) return undefined;
      if (selection.name.value === '__typename') {
        into.push({ responseName, typename: true });
        continue;
      }
      const definition = parent.getFields()[selection.name.value];
      if (!definition || selection.name.value.startsWith('__')) return undefined;
      const value = valueShape(definition.type, selection.selectionSet, fragments, schema);
      if (!value) return undefined;
      into.push({ responseName, typename: false, value });
    } else {
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments[selection.name.value];
      if (!fragment || fragment.directives?.length) return undefined;
      if (fragment.typeCondition && fragment.typeCondition.name.value !== parent.name) return undefined;
      if (!shapeOf(fragment.selectionSet, parent, fragments, schema, into)) return undefined;
    }
  }
  return into;
}

function valueShape(
  type: GraphQLOutputType,
  selectionSet: SelectionSetNode | undefined,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  schema: GraphQLSchema,
): ValueShape | undefined {
  const nonNull = isNonNullType(type);
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    const list = valueShape(nullable.ofType, selectionSet, fragments, schema);
    return list && { nonNull, list };
  }
  const named = getNamedType(nullable);
  if (isObjectType(named)) {
    if (!selectionSet) return undefined;
    const fields = shapeOf(selectionSet, named, fragments, schema);
    return fields && { nonNull, object: { name: named.name, fields } };
  }
  if (selectionSet) return undefined;
  if (isEnumType(named)) return { nonNull, leaf: enumLeaf(named) };
  if (isScalarType(named)) return { nonNull, leaf: LEAVES[named.name] ?? (() => true) };
  return undefined; // interfaces and unions: left to Apollo
}

const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/** isValidLeafValue for the built-in scalars (a custom scalar takes any value). */
const LEAVES: Record<string, (value: unknown) => boolean> = {
  Boolean: (v) => typeof v === 'boolean',
  Int: (v) => finite(v) && INTEGER.test(String(v)),
  ID: (v) => typeof v === 'string' || (finite(v) && INTEGER.test(String(v))),
  Float: (v) => finite(v),
  String: (v) => typeof v === 'string',
};

function enumLeaf(type: GraphQLEnumType): (value: unknown) => boolean {
  const names = new Set(type.getValues().map((v) => v.name));
  return (v) => typeof v === 'string' && names.has(v);
}

/** Copies the client's fields of `input` into `output`; false when Apollo's shaping would not pass them on as they are. */
function copyFields(fields: readonly FieldShape[], input: Record<string, unknown>, output: Record<string, unknown>, typeName: string): boolean {
  for (const field of fields) {
    const own = Object.hasOwn(input, field.responseName) ? input[field.responseName] : undefined;
    if (field.typename) {
      const named = own ?? (field.responseName !== '__typename' ? input.__typename : undefined) ?? null;
      if (named !== null && named !== typeName) return false;
      output[field.responseName] = typeName;
      continue;
    }
    const value = copyValue(field.value!, own ?? null);
    if (value === DECLINE) return false;
    output[field.responseName] = value;
  }
  return true;
}

function copyValue(shape: ValueShape, input: unknown): unknown {
  if (input === null) return shape.nonNull ? DECLINE : null;
  if (shape.list) {
    if (!Array.isArray(input)) return DECLINE;
    const out = new Array<unknown>(input.length);
    for (let i = 0; i < input.length; i++) {
      const value = copyValue(shape.list, input[i] ?? null);
      if (value === DECLINE) return DECLINE;
      out[i] = value;
    }
    return out;
  }
  if (shape.object) {
    if (typeof input !== 'object' || Array.isArray(input)) return DECLINE;
    const typename = (input as Record<string, unknown>).__typename;
    if (typename !== undefined && typename !== shape.object.name) return DECLINE;
    const out: Record<string, unknown> = {};
    return copyFields(shape.object.fields, input as Record<string, unknown>, out, shape.object.name) ? out : DECLINE;
  }
  return shape.leaf!(input) ? input : DECLINE;
}
