// A Pothos plugin that answers a unique-constraint violation as the field's
// ConflictError. A resolver checks "no site with this code" and then creates it;
// two requests racing both pass the check and the database refuses the second.
// That refusal is the same conflict as an existing duplicate, so every field
// whose result can carry ConflictError (creates, imports, updates that rename)
// answers it, in one place rather than in each resolver.
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import type { GraphQLFieldResolver } from 'graphql';
import { describeUniqueViolation, uniqueViolationOf } from '../db/unique-violation.js';
import { ConflictError } from '../errors.js';

const PLUGIN_NAME = 'uniqueConflicts' as const;

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      uniqueConflicts: UniqueConflictsPlugin<Types>;
    }
  }
}

/** The ConflictError a unique violation is answered with, or null when `error` is something else. */
export function conflictOf(error: unknown): ConflictError | null {
  const violation = uniqueViolationOf(error);
  if (!violation) return null;
  return new ConflictError(
    `${describeUniqueViolation(violation)} was created by another request at the same time; nothing was changed (retry to see it)`,
  );
}

export class UniqueConflictsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  // listed after the errors plugin, so this runs inside its wrapper: the error
  // thrown here is the one the errors plugin turns into the typed result
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    const errorTypes = fieldConfig.extensions?.['pothosErrors'] as unknown[] | undefined;
    if (!errorTypes?.includes(ConflictError)) return resolver;
    return async (parent, args, context, info) => {
      try {
        return await resolver(parent, args, context, info);
      } catch (error) {
        throw conflictOf(error) ?? error;
      }
    };
  }
}

SchemaBuilder.registerPlugin(PLUGIN_NAME, UniqueConflictsPlugin);

export default PLUGIN_NAME;
