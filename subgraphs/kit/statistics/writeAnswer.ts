/**
 * A statistics-only operation answered without graphql-js's executor, the first time it is asked.
 *
 * graphql-js resolves every field of every cell one by one, coercing `label`'s arguments again for each
 * coordinate: for a table of thousands of cells that is most of the time a first answer takes. An operation made
 * only of plain fields (aliases allowed; no fragments, no directives, no response key twice) is simple enough to
 * walk directly: its variables and each field's arguments are coerced once with graphql-js's own functions, the
 * schema's resolvers are called where a field has one, and every leaf is serialised by its type, in selection
 * order, giving the body Apollo Server would send. Whenever this walk meets anything it does not do the way the
 * executor does (an error, a null where the schema forbids one, a promise below the root), it gives up and the
 * executor answers instead, errors and all.
 */
import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  getVariableValues,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type FieldNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** One field of a selection, ready to walk: its response key, definition and sub-selection. */
interface PlannedField {
  key: string;
  node: FieldNode;
  /** Undefined for `__typename`. */
  def?: GraphQLField<unknown, unknown>;
  /** The selection on the field's object type (leaf fields have none). */
  selection?: PlannedField[];
}

/** Thrown where the executor would answer differently (with an error, or by waiting): it answers instead. */
class GiveUp extends Error {}

const plans = new WeakMap<OperationDefinitionNode, PlannedField[] | null>();

/** The operation's plan, or null when it is not simple enough to walk (cached per parsed operation). */
export function planOf(schema: GraphQLSchema, operation: OperationDefinitionNode): PlannedField[] | null {
  let plan = plans.get(operation);
  if (plan === undefined) {
    const query = schema.getQueryType();
    plan = operation.operation === 'query' && query && !operation.directives?.length ? selectionOf(query, operation.selectionSet) : null;
    plans.set(operation, plan);
  }
  return plan;
}

function selectionOf(type: GraphQLObjectType, set: SelectionSetNode): PlannedField[] | null {
  const fields: PlannedField[] = [];
  const keys = new Set<string>();
  const defs = type.getFields();
  for (const node of set.selections) {
    if (node.kind !== Kind.FIELD || node.directives?.length) return null;
    const key = node.alias?.value ?? node.name.value;
    if (keys.has(key)) return null;
    keys.add(key);
    if (node.name.value === '__typename') {
      if (node.selectionSet) return null;
      fields.push({ key, node });
      continue;
    }
    const def = defs[node.name.value];
    if (!def) return null;
    const named = getNamedType(def.type);
    if (isLeafType(named)) {
      if (node.selectionSet) return null;
      fields.push({ key, node, def });
    } else if (isObjectType(named) && node.selectionSet) {
      const selection = selectionOf(named, node.selectionSet);
      if (!selection) return null;
      fields.push({ key, node, def, selection });
    } else {
      return null; // interfaces and unions: the executor resolves their types
    }
  }
  return fields;
}

/**
 * The body Apollo Server would send for this operation (`{"data":...}` and a newline), or undefined when the
 * executor must answer it. The root fields' resolvers may be asynchronous; everything below them must not be.
 */
export async function writeAnswer(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  rawVariables: Record<string, unknown> | undefined,
  context: unknown,
): Promise<string | undefined> {
  const plan = planOf(schema, operation);
  if (!plan) return undefined;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {});
  if (coerced.errors) return undefined;
  const variables = coerced.coerced;
  const query = schema.getQueryType() as GraphQLObjectType;
  const args = new Map<FieldNode, Record<string, unknown>>();
  const argsOf = (field: PlannedField): Record<string, unknown> => {
    let values = args.get(field.node);
    if (!values) {
      values = getArgumentValues(field.def as GraphQLField<unknown, unknown>, field.node, variables);
      args.set(field.node, values);
    }
    return values;
  };
  try {
    const data: Record<string, unknown> = {};
    for (const field of plan) {
      if (!field.def) {
        data[field.key] = query.name;
        continue;
      }
      const resolve = field.def.resolve;
      const value = await (resolve ? resolve(undefined, argsOf(field), context, undefined as never) : undefined);
      data[field.key] = complete(field, field.def.type, value, context, argsOf);
    }
    return `${JSON.stringify({ data })}\n`;
  } catch {
    return undefined; // a refusal, a bad argument, a null where none may be: the executor says so
  }
}

function complete(
  field: PlannedField,
  type: GraphQLOutputType,
  value: unknown,
  context: unknown,
  argsOf: (field: PlannedField) => Record<string, unknown>,
): unknown {
  if (value instanceof Promise) throw new GiveUp();
  if (value === null || value === undefined) {
    if (isNonNullType(type)) throw new GiveUp(); // the executor reports it and nulls the parent
    return null;
  }
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    if (!Array.isArray(value)) throw new GiveUp();
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = complete(field, nullable.ofType, value[i], context, argsOf);
    return out;
  }
  if (isLeafType(nullable)) {
    const serialized: unknown = nullable.serialize(value);
    if (serialized === undefined) throw new GiveUp();
    return serialized;
  }
  if (!isObjectType(nullable) || !field.selection) throw new GiveUp();
  const out: Record<string, unknown> = {};
  for (const sub of field.selection) {
    if (!sub.def) {
      out[sub.key] = nullable.name;
      continue;
    }
    const resolve = sub.def.resolve;
    let child: unknown;
    if (resolve) child = resolve(value, argsOf(sub), context, undefined as never);
    else {
      // graphql-js's default resolver: the property, called when it is a function.
      const property = (value as Record<string, unknown>)[sub.def.name];
      child = typeof property === 'function' ? property.call(value, argsOf(sub), context, undefined) : property;
    }
    out[sub.key] = complete(sub, sub.def.type, child, context, argsOf);
  }
  return out;
}
