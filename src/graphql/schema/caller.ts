// Who is calling and what that role may do, so a client (the web view) can say
// so before it sends a mutation that would be refused.
import type { GraphQLSchema } from 'graphql';
import { roleAllows, type Role } from '../../auth/api-keys.js';
import { neededRoleOf } from '../authorization.js';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { RoleEnum } from './api-key.js';

type Caller = NonNullable<Context['auth']>;

/** May this caller run a mutation? Read from the scopes that enforce it, so the answer cannot drift from them. */
function mayRun(role: Role, mutation: string, schema: GraphQLSchema): boolean {
  const type = schema.getMutationType();
  const needed = type ? neededRoleOf(type, mutation) : null;
  return needed !== null && roleAllows(role, needed);
}

const CallerRef = builder.objectRef<Caller>('Caller').implement({
  description: 'The caller of this request: its API key (or the open local mode) and its role.',
  fields: (t) => ({
    role: t.field({ type: RoleEnum, resolve: (caller) => caller.role }),
    keyName: t.string({
      nullable: true,
      description: "the API key's name; null in the open local mode (a loopback server with no key)",
      resolve: (caller) => caller.keyName,
    }),
    openLocalMode: t.boolean({
      description: 'true when no key was needed: a loopback-only server while no usable key exists acts as admin',
      resolve: (caller) => caller.source === 'loopback-default',
    }),
    canRequestPlans: t.boolean({
      description: 'whether this role may call `requestPlan` (planner or admin)',
      resolve: (caller, _args, _ctx, info) => mayRun(caller.role, 'requestPlan', info.schema),
    }),
  }),
});

builder.queryFields((t) => ({
  me: t.field({
    type: CallerRef,
    description: 'Who is calling (any role).',
    // scope-auth refuses every field to an unauthenticated request, so auth is set here
    resolve: (_root, _args, ctx) => ctx.auth!,
  }),
}));
