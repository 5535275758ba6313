// The GraphQL schema as SDL, sorted: `npm run schema:print` writes it to schema/schema.graphql
// and a test fails when the committed file is stale.
import { join } from 'node:path';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { PACKAGE_ROOT } from '../paths.js';
import { schema } from './schema/index.js';

export const SCHEMA_FILE = join(PACKAGE_ROOT, 'schema', 'schema.graphql');

export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
