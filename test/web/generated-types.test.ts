// The web view's generated types and documents must be what codegen makes of the
// committed schema and the view's documents: run `npm run codegen` after changing
// either (as `npm run schema:print` after changing the schema).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { CODEGEN_OUTPUT, generateWebTypes } from '../../codegen.js';

const ROOT = join(import.meta.dirname, '../..');

it(`${CODEGEN_OUTPUT} is up to date (npm run codegen)`, { timeout: 60_000 }, async () => {
  const generated = await generateWebTypes();
  expect(generated).toMatch(/export type WebPlanQuery = /);
  const committed = await readFile(join(ROOT, CODEGEN_OUTPUT), 'utf8').catch(() => '');
  expect(committed, `${CODEGEN_OUTPUT} is stale: run \`npm run codegen\` and commit it`).toBe(generated);
});
