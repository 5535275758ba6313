// Roles as Pothos scope-auth scopes. viewer reads everything; planner also
// requests, re-solves and cancels plans and manages scenarios; admin changes
// anything (sites, fleets, GPU types, classes, demand, latencies, imports,
// schedules, keys). The root types carry the defaults (src/graphql/builder.ts);
// planner mutations say so with PLANNER_FIELD; admin-only types carry ADMIN_TYPE.
import { GraphQLError } from 'graphql';
import type { AuthFailure, ForbiddenResult } from '@pothos/plugin-scope-auth';
import { AuthScopeFailureType } from '@pothos/plugin-scope-auth';
import { roleAllows, ROLES, type Role } from '../auth/api-keys.js';
import type { ErrorCode } from '../errors.js';
import type { Context } from './context.js';

export type AuthScopes = Record<Role, boolean>;

export function authScopesOf(ctx: Context): AuthScopes {
  const role = ctx.auth?.role;
  return Object.fromEntries(ROLES.map((needed) => [needed, role ? roleAllows(role, needed) : false])) as AuthScopes;
}

/** The field options of a mutation a planner may run. */
export const PLANNER_FIELD = { authScopes: { planner: true }, skipTypeScopes: true } as const;

/** The type option of an object only admins may read, wherever it appears. */
export const ADMIN_TYPE = { authScopes: { admin: true } } as const;

/** The roles a failure asked for (the lowest one is the one to name). */
function neededRoles(failure: AuthFailure): Role[] {
  switch (failure.kind) {
    case AuthScopeFailureType.AuthScope:
      return (ROLES as readonly string[]).includes(failure.scope) ? [failure.scope as Role] : [];
    case AuthScopeFailureType.AnyAuthScopes:
    case AuthScopeFailureType.AllAuthScopes:
      return failure.failures.flatMap(neededRoles);
    default:
      return [];
  }
}

export function forbiddenError(
  _parent: unknown,
  ctx: Context,
  info: { fieldName: string; parentType: { name: string } },
  result: ForbiddenResult,
): GraphQLError {
  const needed = ROLES.find((role) => neededRoles(result.failure).includes(role)) ?? 'admin';
  const caller = ctx.auth ? `this caller is a ${ctx.auth.role}` : 'no caller was authenticated';
  return new GraphQLError(`${info.parentType.name}.${info.fieldName} needs the ${needed} role; ${caller}.`, {
    extensions: { code: 'FORBIDDEN' satisfies ErrorCode, neededRole: needed },
  });
}
