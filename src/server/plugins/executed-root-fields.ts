// The root fields an operation executes, as graphql-js itself collects them:
// fragments (inline and named) expanded, @skip/@include applied with the coerced
// variables, one entry per response key (an alias is one more execution; the same
// field twice under one key runs once). The per-caller limits and the root-field
// authorization count these, never the document's text.
import { getOperationAST, getVariableValues, type ExecutionArgs, type OperationTypeNode } from 'graphql';
// graphql 16 exports no `exports` map, so this deep import is the module execute() uses
import { collectFields } from 'graphql/execution/collectFields.js';

export interface ExecutedRoot {
  operation: OperationTypeNode;
  /** the field name of each response key, in document order (aliases repeat a name) */
  fields: string[];
}

export type ExecutedRootArgs = Pick<ExecutionArgs, 'schema' | 'document' | 'operationName' | 'variableValues'>;
type Args = ExecutedRootArgs;

/** Per execution's args (the same object reaches each plugin's onExecute): collected once. */
const collected = new WeakMap<Args, ExecutedRoot | null>();

/**
 * The executed root fields of the selected operation; null when execution would
 * refuse it anyway (no such operation, no root type, variables that do not coerce).
 */
export function executedRootFields(args: Args): ExecutedRoot | null {
  if (!collected.has(args)) collected.set(args, collect(args));
  return collected.get(args)!;
}

function collect(args: Args): ExecutedRoot | null {
  const operation = getOperationAST(args.document, args.operationName ?? undefined);
  if (!operation) return null;
  const rootType = args.schema.getRootType(operation.operation);
  if (!rootType) return null;
  const variables = getVariableValues(
    args.schema,
    operation.variableDefinitions ?? [],
    (args.variableValues ?? {}) as Record<string, unknown>,
    { maxErrors: 1 },
  );
  if (variables.errors) return null;
  const fragments = Object.fromEntries(
    args.document.definitions.flatMap((definition) =>
      definition.kind === 'FragmentDefinition' ? [[definition.name.value, definition] as const] : [],
    ),
  );
  const fields = collectFields(args.schema, fragments, variables.coerced, rootType, operation.selectionSet);
  return {
    operation: operation.operation,
    fields: [...fields.values()].map((nodes) => nodes[0]!.name.value),
  };
}
