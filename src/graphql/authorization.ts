// Roles as Pothos scope-auth scopes. viewer reads everything; planner also
// requests, re-solves and cancels plans and manages scenarios; admin changes
// anything (sites, fleets, GPU types, classes, demand, latencies, imports,
// schedules, keys). The root types carry the defaults (src/graphql/builder.ts);
// planner mutations say so with PLANNER_FIELD; admin-only types carry ADMIN_TYPE.
import { GraphQLError, type GraphQLObjectType } from 'graphql';
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

/** The lowest role a scope option lets in (an object of scopes is any-of); a scope that is not a plain object of roles is taken as admin. */
function lowestRoleOf(scopes: unknown): Role | undefined {
  if (scopes === undefined) return undefined;
  if (typeof scopes !== 'object' || scopes === null) return 'admin';
  return ROLES.find((role) => (scopes as Record<string, unknown>)[role] === true) ?? 'admin';
}

interface PothosScopeOptions {
  authScopes?: unknown;
  skipTypeScopes?: boolean;
}

/**
 * The role a root field needs, read from the same scope-auth options that
 * enforce it (the field's, and its root type's unless the field skips them), so
 * a whole operation can be judged before any of it runs. Introspection fields
 * (`__typename`) need no role.
 */
export function neededRoleOf(rootType: GraphQLObjectType, fieldName: string): Role | null {
  const field = rootType.getFields()[fieldName];
  if (!field) return null;
  const fieldOptions = (field.extensions as { pothosOptions?: PothosScopeOptions }).pothosOptions;
  const typeOptions = (rootType.extensions as { pothosOptions?: PothosScopeOptions }).pothosOptions;
  const needed = [
    lowestRoleOf(fieldOptions?.authScopes),
    fieldOptions?.skipTypeScopes ? undefined : lowestRoleOf(typeOptions?.authScopes),
  ].filter((role): role is Role => role !== undefined);
  return [...ROLES].reverse().find((role) => needed.includes(role)) ?? null;
}

/** The error for a root field the caller's role may not run, in the words scope-auth uses. */
export function forbiddenFieldError(
  rootType: GraphQLObjectType,
  fieldName: string,
  needed: Role,
  auth: Context['auth'],
): GraphQLError {
  const caller = auth ? `this caller is a ${auth.role}` : 'no caller was authenticated';
  return new GraphQLError(
    `${rootType.name}.${fieldName} needs the ${needed} role; ${caller}. Nothing in this operation was run.`,
    { extensions: { code: 'FORBIDDEN' satisfies ErrorCode, neededRole: needed, http: { status: 403, spec: false } } },
  );
}
