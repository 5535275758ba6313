// The example scenarios shipped with the fixtures (fixtures/scenarios/*.json, one
// createScenario input per file), stored the way createScenario stores them.
// Seeding calls this inside its transaction, after the fixtures are loaded.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FIXTURES_DIR } from '../paths.js';
import { ValidationError, type ValidationIssue } from '../errors.js';
import { checkNewScenario, insertScenario, type CreateScenario, type ScenarioClient } from './store.js';

export const EXAMPLE_SCENARIOS_DIR = join(FIXTURES_DIR, 'scenarios');

export interface SeededScenarios {
  /** codes stored now */
  created: string[];
  /** codes that already existed (left as they are) */
  existing: string[];
}

/**
 * Reads every `*.json` in `dir` (by name), checks each exactly as createScenario
 * does (ValidationError naming the file and field, e.g.
 * `pricey-us.json.overrides.priceMultipliers[0].multiplier`), and only when all
 * pass stores those whose code does not exist yet. `client` is a PrismaClient
 * or a transaction's client; nothing is written when any file is refused.
 */
export async function seedExampleScenarios(
  client: ScenarioClient,
  dir: string = EXAMPLE_SCENARIOS_DIR,
): Promise<SeededScenarios> {
  const files = (await readdir(dir)).filter((name) => name.toLowerCase().endsWith('.json')).sort();
  const checked: CreateScenario[] = [];
  const issues: ValidationIssue[] = [];
  for (const file of files) {
    let input: unknown;
    try {
      input = JSON.parse(await readFile(join(dir, file), 'utf8'));
    } catch (error) {
      issues.push({ path: file, message: `is not JSON: ${(error as Error).message}` });
      continue;
    }
    try {
      checked.push(await checkNewScenario(client, input, file));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      issues.push(...error.issues);
    }
  }
  const codes = checked.map((scenario) => scenario.code);
  const twice = codes.find((code, index) => codes.indexOf(code) !== index);
  if (twice) issues.push({ path: dir, message: `scenario code ${twice} is in more than one file` });
  if (issues.length) throw new ValidationError(issues);

  const seeded: SeededScenarios = { created: [], existing: [] };
  const stored = new Set(
    (await client.scenario.findMany({ where: { code: { in: codes } }, select: { code: true } })).map((row) => row.code),
  );
  for (const scenario of checked) {
    if (stored.has(scenario.code)) {
      seeded.existing.push(scenario.code);
    } else {
      await insertScenario(client, scenario);
      seeded.created.push(scenario.code);
    }
  }
  return seeded;
}
