// GraphQL input fields derived from a record's zod fields (src/dataset/schema.ts), so
// a new column needs no input edit: the GraphQL type follows the schema (a number
// is Float, or Int when whole; text is String; lists of either) and a field is
// required only in a create input and only when its schema has no default. The
// resolver validates the input with the same schema; these fields shape what a
// client may send. Enum fields name their GraphQL enum (a type of its own).
import type { EnumRef, InputFieldBuilder, InputFieldRef, SchemaTypes } from '@pothos/core';
import { z } from 'zod';
import { isOptionalField } from '../dataset/schema.js';

/** The schema a value is checked against before defaults, nulls and transforms. */
function baseOf(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodNullable) return baseOf(schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodPipe) return baseOf(schema.in as z.ZodType);
  return schema;
}

export function inputFieldsFrom<Types extends SchemaTypes, Fields extends Record<string, z.ZodType>>(
  t: InputFieldBuilder<Types, 'InputObject'>,
  fields: Fields,
  options: { create: boolean; enums?: Partial<Record<keyof Fields, EnumRef<Types, string, string>>> },
): Record<keyof Fields, InputFieldRef<Types, unknown>> {
  const out: Record<string, InputFieldRef<Types, unknown>> = {};
  for (const [name, schema] of Object.entries(fields)) {
    const required = options.create && !isOptionalField(schema);
    const base = baseOf(schema);
    const enumRef = options.enums?.[name];
    if (enumRef !== undefined) out[name] = t.field({ type: enumRef, required });
    else if (base instanceof z.ZodNumber) out[name] = base.isInt ? t.int({ required }) : t.float({ required });
    else if (base instanceof z.ZodArray)
      out[name] =
        baseOf(base.element as z.ZodType) instanceof z.ZodNumber
          ? t.floatList({ required })
          : t.stringList({ required });
    else if (base instanceof z.ZodString) out[name] = t.string({ required });
    else throw new Error(`internal: no GraphQL input type for the field ${name}`);
  }
  return out as Record<keyof Fields, InputFieldRef<Types, unknown>>;
}
