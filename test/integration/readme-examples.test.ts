// Every GraphQL example in README.md runs against the fixtures without errors,
// so the README cannot drift from the schema.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { seedExampleScenarios } from '../../src/scenarios/examples.js';
import type { testApi } from '../helpers/api.js';
import { openPlanService, type PlanService } from '../helpers/plan-service.js';

let api: ReturnType<typeof testApi>;
let service: PlanService;

beforeAll(async () => {
  // what a first start loads (seven models), as a new user following the README has it
  service = await openPlanService({ fixtures: 'bundled' });
  ({ api } = service);
  // as a first start seeds them with the fixtures (the README's examples use PRICEY-US)
  await seedExampleScenarios(service.db.prisma);
});
afterAll(async () => {
  await service?.close();
});

it('runs every ```graphql block of the README without errors', async () => {
  const readme = await readFile(join(PACKAGE_ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(blocks.length).toBeGreaterThanOrEqual(5);
  for (const block of blocks) {
    const result = await api.graphql(block);
    expect(result.errors, block).toBeUndefined();
    expect(JSON.stringify(result.data), block).not.toMatch(
      /"__typename":"(ValidationError|NotFoundError|ConflictError)"/,
    );
  }
});
