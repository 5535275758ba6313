// The committed SDL must be what the code prints: run `npm run schema:print` after changing the schema.
import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { printedSchema, SCHEMA_FILE } from '../../src/graphql/print-schema.js';

it('schema/schema.graphql is up to date (npm run schema:print)', async () => {
  const committed = await readFile(SCHEMA_FILE, 'utf8').catch(() => '');
  expect(committed, 'schema/schema.graphql is stale: run `npm run schema:print` and commit it').toBe(printedSchema());
});
