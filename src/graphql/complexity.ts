// What a field costs for the complexity limit (@pothos/plugin-complexity; the
// limit itself is applied per request in src/server/limits.ts). A field costs
// 1; its selection is multiplied by the rows it can return: a paginated field
// by its page size (first/last, else its default, else the connection default
// of 20), a connection's `edges` by 1 (the connection already counted the page),
// any other list by 10.
import { getNamedType, getNullableType, isListType, type GraphQLField } from 'graphql';

export const DEFAULT_CONNECTION_SIZE = 20;
export const UNPAGED_LIST_MULTIPLIER = 10;

const pageSizeOf = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? Math.max(0, value) : null;

export function fieldComplexity<Ctx>(
  args: Record<string, unknown>,
  _ctx: Ctx,
  field: GraphQLField<unknown, Ctx, Record<string, unknown>>,
) {
  const paged = field.args.some((arg) => arg.name === 'first' || arg.name === 'last');
  if (paged) {
    return { field: 1, multiplier: pageSizeOf(args['first']) ?? pageSizeOf(args['last']) ?? DEFAULT_CONNECTION_SIZE };
  }
  if (isListType(getNullableType(field.type))) {
    const isConnectionEdges = field.name === 'edges' && getNamedType(field.type).name.endsWith('Edge');
    return { field: 1, multiplier: isConnectionEdges ? 1 : UNPAGED_LIST_MULTIPLIER };
  }
  return 1;
}
