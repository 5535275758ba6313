// Complexity: Pothos measures the selected operation with the request's variables
// (page sizes may be variables); over the limit nothing is executed.
import { createComplexityRule } from '@pothos/plugin-complexity';
import { validate } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { limitError } from '../limit-errors.js';

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
