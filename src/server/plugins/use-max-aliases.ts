// Aliases in the operation (fragments expanded): graphql-armor's max-aliases rule,
// with our code, message and status. Introspection fields count like any other:
// fifty aliased `__schema` selections are fifty copies of the schema.
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import type { Plugin } from 'graphql-yoga';
import { limitError } from '../limit-errors.js';

export function useMaxAliases(maxAliases: number): Plugin {
  const rule = maxAliasesRule({
    n: maxAliases,
    propagateOnRejection: false,
    onReject: [
      (context, error) => {
        // armor's message ends "…, found <aliases>."
        const aliases = /found (\d+)/.exec(error.message)?.[1] ?? `more than ${maxAliases}`;
        context?.reportError(
          limitError(`The query has ${aliases} aliases; the limit is ${maxAliases}.`, 'TOO_MANY_ALIASES', 400),
        );
      },
    ],
  });
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(rule);
    },
  };
}
