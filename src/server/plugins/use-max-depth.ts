// Depth (a root field is 1; fragments expanded): graphql-armor's max-depth rule,
// with our code, message and status.
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import type { Plugin } from 'graphql-yoga';
import { limitError } from '../limit-errors.js';
import { ignoringIntrospection } from './ignore-introspection.js';

export function useMaxDepth(maxDepth: number): Plugin {
  const rule = ignoringIntrospection(
    maxDepthRule({
      n: maxDepth,
      flattenFragments: true,
      propagateOnRejection: false,
      onReject: [
        (context, error) => {
          // armor's message ends "…, found <depth>."
          const depth = /found (\d+)/.exec(error.message)?.[1] ?? `more than ${maxDepth}`;
          context?.reportError(
            limitError(`The query is ${depth} fields deep; the limit is ${maxDepth}.`, 'QUERY_TOO_DEEP', 400),
          );
        },
      ],
    }),
  );
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(rule);
    },
  };
}
