/**
 * A statistics-only operation answered without graphql-js's executor, the first time it is asked.
 *
 * graphql-js resolves every field of every cell one by one, coercing `label`'s arguments again for each
 * coordinate: for a table of thousands of cells that is most of the time a first answer takes. An operation made
 * only of plain fields (aliases allowed; no fragments, no directives, no response key twice) is simple enough to
 * walk directly: its variables and each field's arguments are coerced once with graphql-js's own functions, the
 * schema's resolvers are called where a field has one, and every leaf is serialised by its type, in selection
 * order, and written as JSON bytes as it goes (no response object is built, and no large string is encoded:
 * turning a few megabytes of text with Japanese labels into UTF-8 takes tens of milliseconds), giving the body
 * Apollo Server would send. Whenever this walk meets anything it does not do the way the executor does (an
 * error, a null where the schema forbids one, a promise below the root), it gives up and the executor answers
 * instead, errors and all. Each field's writer is made once per operation (writerOf): what its type decides is
 * decided then, so writing thousands of cells does only what each value needs.
 *
 * The caller may name types whose fields answer the same for the same object (a table's coordinates: the same
 * code has the same label in every cell): their bytes are written once per object and selection, and copied after.
 */
import {
  GraphQLBoolean,
  GraphQLFloat,
  GraphQLInt,
  GraphQLString,
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
  type GraphQLLeafType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** One field of a selection, ready to walk: its response key, definition and sub-selection. */
interface PlannedField {
  key: string;
  /** The key as written: `"key":`, and the same after a comma. */
  keyBytes: Buffer;
  nextKeyBytes: Buffer;
  node: FieldNode;
  /** Undefined for `__typename`. */
  def?: GraphQLField<unknown, unknown>;
  /** The field's type, unwrapped once (undefined for `__typename`). */
  shape?: Shape;
  /** The selection on the field's object type (leaf fields have none). */
  selection?: PlannedField[];
}

/** A field's type as the walk checks each value against it: nullability, then list, leaf or object. */
type Shape =
  | { kind: 'list'; nonNull: boolean; of: Shape }
  | { kind: 'leaf'; nonNull: boolean; type: GraphQLLeafType }
  | { kind: 'object'; nonNull: boolean; name: string };

function shapeOf(type: GraphQLOutputType): Shape | null {
  const nonNull = isNonNullType(type);
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    const of = shapeOf(nullable.ofType);
    return of && { kind: 'list', nonNull, of };
  }
  if (isLeafType(nullable)) return { kind: 'leaf', nonNull, type: nullable };
  if (isObjectType(nullable)) return { kind: 'object', nonNull, name: nullable.name };
  return null; // interfaces and unions: the executor resolves their types
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

function keyBytesOf(key: string): { keyBytes: Buffer; nextKeyBytes: Buffer } {
  return { keyBytes: Buffer.from(`${JSON.stringify(key)}:`), nextKeyBytes: Buffer.from(`,${JSON.stringify(key)}:`) };
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
      fields.push({ key, ...keyBytesOf(key), node });
      continue;
    }
    const def = defs[node.name.value];
    const shape = def && shapeOf(def.type);
    if (!def || !shape) return null;
    const named = getNamedType(def.type);
    if (isLeafType(named)) {
      if (node.selectionSet) return null;
      fields.push({ key, ...keyBytesOf(key), node, def, shape });
    } else if (isObjectType(named) && node.selectionSet) {
      const selection = selectionOf(named, node.selectionSet);
      if (!selection) return null;
      fields.push({ key, ...keyBytesOf(key), node, def, shape, selection });
    } else {
      return null;
    }
  }
  return fields;
}

/**
 * Memory an answer is written into, kept from one answer to the next: fresh memory costs a page fault per 4 KB the
 * first time it is touched, so a large answer is written into memory already in use and copied once into a buffer
 * of its exact size. The writing itself is synchronous, so two answers never share it.
 */
let scratch = Buffer.allocUnsafeSlow(256 * 1024);

/** A growing buffer of JSON bytes. */
class Bytes {
  buffer = scratch;
  length = 0;

  private room(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = scratch = grown;
  }

  /** Text known to be ASCII (numbers, literals): short, so copied a character at a time. */
  ascii(text: string): void {
    this.room(text.length);
    const buffer = this.buffer;
    let at = this.length;
    for (let i = 0; i < text.length; i++) buffer[at++] = text.charCodeAt(i);
    this.length = at;
  }

  byte(code: number): void {
    this.room(1);
    this.buffer[this.length++] = code;
  }

  /** Any text, as UTF-8 (at most three bytes per UTF-16 unit). */
  text(text: string): void {
    this.room(text.length * 3);
    this.length += this.buffer.write(text, this.length, 'utf8');
  }

  bytes(bytes: Uint8Array): void {
    this.room(bytes.length);
    // TypedArray.prototype.set: a builtin copy, with no call into C++ (Buffer.copy makes one).
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** A copy of what was written from `start` on. */
  since(start: number): Buffer {
    return Buffer.from(this.buffer.subarray(start, this.length));
  }

  /** The answer, in a buffer of its own. */
  done(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.length));
  }
}

const NO_PURE_TYPES: ReadonlySet<string> = new Set();

/** How one answer is written: the context and arguments of its fields, and the bytes of pure objects written so far. */
interface Walk {
  context: unknown;
  argsOf: (field: PlannedField) => Record<string, unknown>;
  pureTypes: ReadonlySet<string>;
  written: Map<PlannedField, Map<unknown, Buffer>>;
  out: Bytes;
}

/**
 * The body Apollo Server would send for this operation (`{"data":...}` and a newline), or undefined when the
 * executor must answer it. The root fields' resolvers may be asynchronous; everything below them must not be.
 * `pureTypes`: object types whose selected fields depend on the object and the arguments alone.
 */
export async function writeAnswer(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  rawVariables: Record<string, unknown> | undefined,
  context: unknown,
  pureTypes: ReadonlySet<string> = NO_PURE_TYPES,
): Promise<Buffer | undefined> {
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
    // Every root value first (they may be awaited), then the answer written in selection order, in one go.
    const values: unknown[] = [];
    for (const field of plan) {
      const resolve = field.def?.resolve;
      values.push(field.def && resolve ? await resolve(undefined, argsOf(field), context, undefined as never) : undefined);
    }
    const out = new Bytes();
    const walk: Walk = { context, argsOf, pureTypes, written: new Map(), out };
    out.ascii('{"data":{');
    plan.forEach((field, i) => {
      out.bytes(i === 0 ? field.keyBytes : field.nextKeyBytes);
      if (!field.def) out.text(JSON.stringify(query.name));
      else complete(field, field.shape as Shape, values[i], walk);
    });
    out.ascii('}}\n');
    return out.done();
  } catch {
    return undefined; // a refusal, a bad argument, a null where none may be: the executor says so
  }
}

const COMMA = 0x2c;
const GIVE_UP = new GiveUp();

/** Writes one field's value as JSON.stringify would write the executor's result. */
type Writer = (value: unknown, walk: Walk) => void;

/** Writers by field, made once per field and set of pure types (a plan is cached per parsed operation). */
const writers = new WeakMap<PlannedField, WeakMap<ReadonlySet<string>, Writer>>();

function complete(field: PlannedField, shape: Shape, value: unknown, walk: Walk): void {
  let byPure = writers.get(field);
  if (!byPure) writers.set(field, (byPure = new WeakMap()));
  let write = byPure.get(walk.pureTypes);
  if (!write) byPure.set(walk.pureTypes, (write = writerOf(field, shape, walk.pureTypes)));
  write(value, walk);
}

/**
 * The writer of a field of this shape. What is the same for every value (nullability, list or leaf, the scalar,
 * the sub-fields and how each is read) is decided here, once, so writing a value of thousands of cells does only
 * what depends on the value.
 */
function writerOf(field: PlannedField, shape: Shape, pureTypes: ReadonlySet<string>): Writer {
  const inner = shape.kind === 'list' ? listWriter(field, shape, pureTypes) : shape.kind === 'leaf' ? leafWriter(shape.type) : objectWriter(field, shape.name, pureTypes);
  const nonNull = shape.nonNull;
  return (value, walk) => {
    if (value === null || value === undefined) {
      if (nonNull) throw GIVE_UP; // the executor reports it and nulls the parent
      walk.out.bytes(NULL);
      return;
    }
    if (value instanceof Promise) throw GIVE_UP;
    inner(value, walk);
  };
}

function listWriter(field: PlannedField, shape: Shape & { kind: 'list' }, pureTypes: ReadonlySet<string>): Writer {
  const item = writerOf(field, shape.of, pureTypes);
  return (value, walk) => {
    if (!Array.isArray(value)) throw GIVE_UP;
    const out = walk.out;
    out.byte(0x5b);
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.byte(COMMA);
      item(value[i], walk);
    }
    out.byte(0x5d);
  };
}

/** graphql-js's own scalars, written without their serialize() where the value is already what it returns. */
function leafWriter(type: GraphQLLeafType): Writer {
  const serialized: Writer = (value, walk) => {
    const result: unknown = type.serialize(value);
    if (result === undefined) throw GIVE_UP;
    writeLeaf(result, walk.out);
  };
  if (type === GraphQLInt) return (value, walk) => (typeof value === 'number' && (value | 0) === value ? walk.out.ascii(String(value)) : serialized(value, walk));
  if (type === GraphQLFloat) return (value, walk) => (typeof value === 'number' && Number.isFinite(value) ? walk.out.ascii(String(value)) : serialized(value, walk));
  if (type === GraphQLBoolean) return (value, walk) => (typeof value === 'boolean' ? walk.out.bytes(value ? TRUE : FALSE) : serialized(value, walk));
  if (type === GraphQLString) return (value, walk) => (typeof value === 'string' ? walk.out.text(JSON.stringify(value)) : serialized(value, walk));
  return serialized;
}

/**
 * An object's writer, made with `new Function` so that reading each sub-field is a property access of its own
 * (one object shape at each, where one shared access would see every field of every type). Only names from the
 * schema go into the code, and only as JSON string literals.
 */
function objectWriter(field: PlannedField, typeName: string, pureTypes: ReadonlySet<string>): Writer {
  const selection = field.selection;
  if (!selection) return () => {
    throw GIVE_UP;
  };
  const subs = selection.map((sub, i) => ({
    key: i === 0 ? sub.keyBytes : sub.nextKeyBytes,
    sub,
    resolve: sub.def?.resolve,
    write: sub.def ? writerOf(sub, sub.shape as Shape, pureTypes) : undefined,
  }));
  const lines = subs.map(({ sub, resolve }, i) => {
    if (!sub.def) return `out.bytes(s[${i}].key); out.bytes(typename);`;
    // graphql-js's default resolver: the property, read once, called when it is a function.
    const child = resolve
      ? `s[${i}].resolve(value, walk.argsOf(s[${i}].sub), walk.context, undefined)`
      : `(p = value[${JSON.stringify(sub.def.name)}], typeof p === 'function' ? p.call(value, walk.argsOf(s[${i}].sub), walk.context, undefined) : p)`;
    return `out.bytes(s[${i}].key); s[${i}].write(${child}, walk);`;
  });
  const pure = pureTypes.has(typeName);
  const body = `return function writeObject(value, walk) {
    const out = walk.out;
    let p;
    ${pure ? `let written; if (typeof value === 'object') { written = walk.written.get(field); if (!written) walk.written.set(field, (written = new Map()));
      const bytes = written.get(value); if (bytes) { out.bytes(bytes); return; } }` : ''}
    const start = out.length;
    out.byte(0x7b);
    ${lines.join('\n    ')}
    out.byte(0x7d);
    ${pure ? 'if (written) written.set(value, out.since(start));' : ''}
  };`;
  return new Function('s', 'field', 'typename', body)(subs, field, Buffer.from(JSON.stringify(typeName))) as Writer;
}

const TRUE = Buffer.from('true');
const NULL = Buffer.from('null');
const FALSE = Buffer.from('false');

/** A serialised leaf as JSON.stringify writes it (numbers and booleans without the call). */
function writeLeaf(value: unknown, out: Bytes): void {
  switch (typeof value) {
    case 'boolean':
      out.bytes(value ? TRUE : FALSE);
      return;
    case 'number':
      out.ascii(Number.isFinite(value) ? String(value) : 'null');
      return;
    default: {
      const text = JSON.stringify(value) as string | undefined;
      if (text === undefined) throw new GiveUp(); // nothing JSON can hold: let the executor decide
      out.text(text);
    }
  }
}
