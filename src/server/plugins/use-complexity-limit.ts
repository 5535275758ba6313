// Complexity: Pothos measures the selected operation with the request's variables
// (page sizes may be variables); over the limit nothing is executed. Pothos leaves
// introspection fields out, so each executed `__schema` and `__type` (aliases
// counted) is added at what it can return: every element of the schema, or of
// its largest type.
import { createComplexityRule } from '@pothos/plugin-complexity';
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  validate,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { limitError } from '../limit-errors.js';
import { executedRootFields } from './executed-root-fields.js';

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

export function useComplexityLimit(maxComplexity: number): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
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
