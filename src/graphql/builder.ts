// The one SchemaBuilder: plugins, context and scalars. It defines no types.
import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import type PrismaTypes from '../generated/pothos-prisma-types.js';
import { getDatamodel } from '../generated/pothos-prisma-types.js';
import { authScopesOf, forbiddenError, type AuthScopes } from './authorization.js';
import { fieldComplexity } from './complexity.js';
import UniqueConflictsPlugin from './unique-conflicts.js';
import type { Context } from './context.js';

export const builder = new SchemaBuilder<{
  PrismaTypes: PrismaTypes;
  Context: Context;
  AuthScopes: AuthScopes;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  // order matters: scope-auth checks the caller before anything runs; errors wraps
  // resolvers before prisma and relay see them, and unique-conflicts inside it turns a
  // racing duplicate into the ConflictError it answers; complexity only weighs fields
  // here (the limit is applied per request, src/server/limits.ts)
  plugins: [ScopeAuthPlugin, ErrorsPlugin, UniqueConflictsPlugin, PrismaPlugin, RelayPlugin, ComplexityPlugin],
  // the roles and which fields need which: src/graphql/authorization.ts
  scopeAuth: { authScopes: authScopesOf, unauthorizedError: forbiddenError, authorizeOnSubscribe: true },
  complexity: { fieldComplexity },
  defaultFieldNullability: false,
  errors: { defaultTypes: [] },
  prisma: {
    // The client comes from the request's database (tests run many databases in one process).
    client: (ctx) => ctx.db.prisma,
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    defaultConnectionSize: 20,
    onUnusedQuery: process.env.NODE_ENV === 'test' ? 'error' : null,
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeQueryOptions: false,
    nodesQueryOptions: false,
  },
});

// Every root field needs a role, so everything below one is covered too: reading
// needs viewer; a mutation needs admin unless it says otherwise (planner fields
// lower it with `skipTypeScopes`), so a new mutation is admin-only until decided.
builder.queryType({ authScopes: { viewer: true } });
builder.mutationType({ authScopes: { admin: true } });
builder.subscriptionType({ authScopes: { viewer: true } });
