// Complexity: Pothos measures the selected operation with the request's variables
// (page sizes may be variables); over the limit nothing is executed. Pothos leaves
// introspection fields out, so each executed `__schema` and `__type` (aliases
// counted) is added at what it can return: every element of the schema, or of
// its largest type.
// A document's complexity depends on nothing but its text, the operation and
// the variables (a field's cost is a function of its arguments:
// src/graphql/complexity.ts), so it is measured once per such triple and kept.
import { createComplexityRule } from '@pothos/plugin-complexity';
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  validate,
  type DocumentNode,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { limitError } from '../limit-errors.js';
import { BoundedCache } from './bounded-cache.js';
import { executedRootFields, type ExecutedRootArgs } from './executed-root-fields.js';

/** Fields and their arguments, enum values, input fields or union members, plus the type itself. */
function elementsOf(type: GraphQLNamedType): number {
  if (isObjectType(type) || isInterfaceType(type))
    return 1 + Object.values(type.getFields()).reduce((sum, field) => sum + 1 + field.args.length, 0);
  if (isInputObjectType(type)) return 1 + Object.keys(type.getFields()).length;
  if (isEnumType(type)) return 1 + type.getValues().length;
  if (isUnionType(type)) return 1 + type.getTypes().length;
  return 1;
}

const costs = new WeakMap<GraphQLSchema, { __schema: number; __type: number }>();

/** The complexity of one executed `__schema` and of one `__type`, for this schema. */
export function introspectionCosts(schema: GraphQLSchema): { __schema: number; __type: number } {
  let known = costs.get(schema);
  if (!known) {
    const types = Object.values(schema.getTypeMap()).map(elementsOf);
    const directives = schema.getDirectives().reduce((sum, directive) => sum + 1 + directive.args.length, 0);
    known = { __schema: types.reduce((a, b) => a + b, 0) + directives, __type: Math.max(...types) };
    costs.set(schema, known);
  }
  return known;
}

/** Variables larger than this (an import's data set) are measured each time rather than kept as a key. */
const MAX_KEY_CHARS = 2048;
/** Operation and variables kept per document (page sizes a client pages through, say). */
const MEASURES_PER_DOCUMENT = 32;

const TOO_LARGE = Symbol('too large');

/** The operation and variables as a cache key, or null when they are too large to keep. */
function measureKey(operationName: string | null | undefined, variables: unknown): string | null {
  let left = MAX_KEY_CHARS;
  try {
    // the replacer stops the walk as soon as the budget is spent, so a large import costs nothing here
    const json = JSON.stringify(variables ?? {}, (key, value: unknown) => {
      left -= key.length + (typeof value === 'string' ? value.length : 4);
      if (left < 0) throw TOO_LARGE;
      return value;
    });
    return `${operationName ?? ''}\n${json}`;
  } catch (error) {
    if (error === TOO_LARGE) return null;
    throw error;
  }
}

function measure(args: ExecutedRootArgs & { contextValue: unknown }): number {
  let complexity = 0;
  validate(args.schema, args.document, [
    createComplexityRule({
      context: args.contextValue as object,
      variableValues: (args.variableValues ?? {}) as Record<string, unknown>,
      operationName: args.operationName ?? null,
      onResult: (result) => {
        complexity = Math.max(complexity, result.complexity);
      },
    }),
  ]);
  const introspection = introspectionCosts(args.schema);
  for (const field of executedRootFields(args)?.fields ?? []) {
    if (field === '__schema' || field === '__type') complexity += introspection[field];
  }
  return complexity;
}

export function useComplexityLimit(maxComplexity: number): Plugin {
  // documents are the parse cache's objects (use-max-tokens.ts): one entry per document text
  const measured = new WeakMap<DocumentNode, BoundedCache<string, number>>();
  const complexityOf = (args: ExecutedRootArgs & { contextValue: unknown }): number => {
    const key = measureKey(args.operationName, args.variableValues);
    if (key === null) return measure(args);
    let known = measured.get(args.document);
    if (!known) measured.set(args.document, (known = new BoundedCache(MEASURES_PER_DOCUMENT)));
    let complexity = known.get(key);
    if (complexity === undefined) known.set(key, (complexity = measure(args)));
    return complexity;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const complexity = complexityOf(args);
      if (complexity > maxComplexity) {
        setResultAndStopExecution({
          errors: [
            limitError(
              `The query's complexity is ${complexity}; the limit is ${maxComplexity} (a list counts its page size times its selection: ask for fewer rows or fields).`,
              'QUERY_TOO_COMPLEX',
              400,
            ),
          ],
        });
      }
    },
  };
}
