// A mutation runs whole or not at all: every root field that would execute is
// checked against the caller's role before the first one runs, so an allowed
// field beside a forbidden one never writes behind a `data: null` answer.
// (Scope-auth still checks each field as it resolves; queries keep its
// field-by-field answers, as reading has no side effects.)
import type { Plugin } from 'graphql-yoga';
import { roleAllows } from '../../auth/api-keys.js';
import { forbiddenFieldError, neededRoleOf } from '../../graphql/authorization.js';
import type { Context } from '../../graphql/context.js';
import { executedRootFields } from './executed-root-fields.js';

export function useRootFieldAuthorization(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const executed = executedRootFields(args);
      if (!executed || executed.operation !== 'mutation') return;
      const rootType = args.schema.getMutationType();
      if (!rootType) return;
      const auth = (args.contextValue as Partial<Context>).auth ?? null;
      const refused = [...new Set(executed.fields)].flatMap((field) => {
        const needed = neededRoleOf(rootType, field);
        return needed && !(auth && roleAllows(auth.role, needed))
          ? [forbiddenFieldError(rootType, field, needed, auth)]
          : [];
      });
      if (refused.length) setResultAndStopExecution({ errors: refused });
    },
  };
}
