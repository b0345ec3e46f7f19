import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import { maxRootFieldsRule } from './rootFields';

/** What one operation may ask for; every limit is checked before any subgraph is called. */
export interface OperationLimits {
  /** Nesting of selections, fragments flattened (LIMIT_DEPTH). */
  depth: number;
  /** Aliased fields (LIMIT_ALIASES). */
  aliases: number;
  /** Root fields (LIMIT_ROOT_FIELDS). */
  rootFields: number;
  /** Lexical tokens of the document (LIMIT_TOKENS). */
  tokens: number;
  /** Directives (LIMIT_DIRECTIVES). */
  directives: number;
  /** Selections with every fragment spread expanded: the fragment-bomb limit (LIMIT_SELECTIONS). */
  selections: number;
  /** graphql-armor cost: 2 per object, 1 per scalar, times 1.5 per level of depth (LIMIT_COST). */
  cost: number;
  /** Request body in bytes, variables included (LIMIT_BODY_BYTES). */
  bodyBytes: number;
}

/**
 * The defaults, with room for ad-hoc staff queries outside production: the largest operations of the manifest are
 * ResidentOwnRecord (depth 5, cost 242.75, about 130 tokens) and CounterUnifiedRecord (depth 4, cost 184.5,
 * 2 aliases, 2 root fields, about 120 tokens).
 */
export const DEFAULT_LIMITS: Readonly<OperationLimits> = {
  depth: 8,
  aliases: 10,
  rootFields: 5,
  tokens: 1000,
  directives: 10,
  selections: 500,
  cost: 1000,
  bodyBytes: 65_536,
};

/** The codes a refused operation carries (in `extensions.validationErrorCode`, lifted to `code` at the edge). */
export const LIMIT_CODES = [
  'QUERY_TOO_DEEP',
  'TOO_MANY_ALIASES',
  'TOO_MANY_ROOT_FIELDS',
  'TOO_MANY_TOKENS',
  'TOO_MANY_DIRECTIVES',
  'TOO_MANY_SELECTIONS',
  'QUERY_TOO_COSTLY',
] as const;
export type LimitCode = (typeof LIMIT_CODES)[number];

/** What Apollo Server is given: validation rules, and the options it enforces itself. */
export interface LimitOptions {
  validationRules: ValidationRule[];
  parseOptions: { maxTokens: number };
  maxRecursiveSelections: number;
}

/**
 * graphql-armor's rules for depth, aliases, directives and cost, reporting our codes; Apollo Server's own parser
 * limit for tokens (graphql-armor's Apollo token plugin throws from a parsing hook, which Apollo Server 5 answers
 * with a 500) and its recursive-selections rule for fragment bombs; our root-field rule.
 */
export function limitOptions(limits: OperationLimits): LimitOptions {
  const report = (code: LimitCode) => ({
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) =>
        context?.reportError(
          new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { validationErrorCode: code } }),
        ),
    ],
  });
  const config: ConstructorParameters<typeof ApolloArmor>[0] = {
    maxDepth: { n: limits.depth, flattenFragments: true, ...report('QUERY_TOO_DEEP') },
    maxAliases: { n: limits.aliases, ...report('TOO_MANY_ALIASES') },
    maxDirectives: { n: limits.directives, ...report('TOO_MANY_DIRECTIVES') },
    costLimit: { maxCost: limits.cost, ...report('QUERY_TOO_COSTLY') },
    maxTokens: { enabled: false },
    // Apollo Server's hideSchemaDetailsFromClientErrors removes suggestions instead of masking them.
    blockFieldSuggestion: { enabled: false },
  };
  return {
    validationRules: [...new ApolloArmor(config).protect().validationRules, maxRootFieldsRule(limits.rootFields)],
    parseOptions: { maxTokens: limits.tokens },
    maxRecursiveSelections: limits.selections,
  };
}
