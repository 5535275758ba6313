// Storing scenarios: the one place their input is checked (zod, then against the
// data) and written, for the createScenario/updateScenario mutations and for the
// example scenarios shipped with the fixtures (src/scenarios/examples.ts). It
// takes a Prisma client or a transaction client, so a caller can make it part
// of a larger all-or-nothing write.
import { z } from 'zod';
import { CODE_MESSAGE, CODE_PATTERN, plainText, zodIssuesToDatasetIssues } from '../dataset/schema.js';
import { readDataset } from '../db/dataset-store.js';
import type { Prisma } from '../generated/prisma/client.js';
import { ConflictError, NotFoundError, staleUpdateError, ValidationError } from '../errors.js';
import { updateIfUnchanged } from '../db/guarded-update.js';
import { planningInputFromDataset } from '../db/planning-input.js';
import { planOptionsSchema, type PlanningInput } from '../optimizer/types.js';
import { checkSolverCaps, timeLimitIssue, type SolverCaps } from '../plans/solver-caps.js';
import { applyScenario, checkScenario } from './apply.js';
import { scenarioOverridesSchema, scenarioPlanOptions, type ScenarioOverrides } from './overrides.js';

/** A PrismaClient or the client of an interactive transaction. */
export type ScenarioClient = Prisma.TransactionClient;

const code = z.string({ error: 'must be a string' }).regex(CODE_PATTERN, { error: CODE_MESSAGE });
// stored as given: not trimmed; line breaks allowed
const text = (max: number) => plainText(max, { lineBreaks: true, trim: false });

export const createScenarioSchema = z
  .object({
    code,
    name: text(200).min(1, { error: 'must not be empty' }),
    description: text(2000).default(''),
    overrides: scenarioOverridesSchema,
  })
  .strict();
export const updateScenarioSchema = z
  .object({
    code,
    name: text(200).min(1, { error: 'must not be empty' }).optional(),
    description: text(2000).optional(),
    overrides: scenarioOverridesSchema.optional(),
    /** the updatedAt the client read: the update is made only if it is still the row's */
    expectedUpdatedAt: z.date({ error: 'must be a date-time' }).optional(),
  })
  .strict();

export type CreateScenario = z.output<typeof createScenarioSchema>;

export interface StoredScenario {
  id: string;
  code: string;
}

/** The parsed input, or a ValidationError naming every field (`input.overrides.priceMultipliers[0].multiplier`). */
function parsed<S extends z.ZodType>(schema: S, input: unknown, pathPrefix: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    zodIssuesToDatasetIssues(result.error, pathPrefix).map(({ path, message }) => ({ path, message })),
  );
}

/**
 * Refuses overrides naming sites, countries, regions, classes or GPU types the
 * data does not have; with `caps`, also planOptions asking more of the solver
 * than the caps allow (checkScenarioCaps).
 */
export async function checkOverridesAgainstData(
  client: ScenarioClient,
  overrides: ScenarioOverrides,
  pathPrefix = 'input',
  caps?: SolverCaps,
): Promise<void> {
  const current = planningInputFromDataset(await readDataset({ prisma: client }));
  const issues = checkScenario(current, overrides);
  if (issues.length)
    throw new ValidationError(
      issues.map((issue) => ({ path: `${pathPrefix}.overrides.${issue.path}`, message: issue.message })),
    );
  if (caps) checkScenarioCaps(current, overrides, caps, pathPrefix);
}

/**
 * The solver caps on what a scenario sets, as a plan request using it with no
 * options of its own would meet them: its planOptions.timeLimitSeconds, and the
 * model its overrides and planOptions build on the current data.
 */
function checkScenarioCaps(current: PlanningInput, overrides: ScenarioOverrides, caps: SolverCaps, pathPrefix: string) {
  const planOptionsPath = `${pathPrefix}.overrides.planOptions`;
  const timeLimit = overrides.planOptions?.timeLimitSeconds;
  const overTime =
    typeof timeLimit === 'number' ? timeLimitIssue(timeLimit, caps, `${planOptionsPath}.timeLimitSeconds`) : null;
  if (overTime) throw new ValidationError([overTime]);
  const options = planOptionsSchema.safeParse(scenarioPlanOptions(overrides));
  if (!options.success) return;
  checkSolverCaps({ options: options.data, snapshot: applyScenario(current, overrides) }, caps, {
    model: planOptionsPath,
  });
}

/**
 * A createScenario input (`{ code, name, description?, overrides }`) checked as
 * the mutation checks it: its shape and ranges (zod), then its codes against the
 * data. ValidationError otherwise; `pathPrefix` starts every issue path (`input`
 * for the mutation, a file name for a shipped example).
 */
export async function checkNewScenario(
  client: ScenarioClient,
  input: unknown,
  pathPrefix = 'input',
  caps?: SolverCaps,
): Promise<CreateScenario> {
  const scenario = parsed(createScenarioSchema, input, pathPrefix);
  await checkOverridesAgainstData(client, scenario.overrides, pathPrefix, caps);
  return scenario;
}

/** Stores a checked scenario; ConflictError when its code is taken. */
export async function insertScenario(client: ScenarioClient, scenario: CreateScenario): Promise<StoredScenario> {
  if (await client.scenario.findUnique({ where: { code: scenario.code }, select: { id: true } })) {
    throw new ConflictError(`a scenario with code "${scenario.code}" already exists`);
  }
  return client.scenario.create({
    select: { id: true, code: true },
    data: { ...scenario, overrides: scenario.overrides as Prisma.InputJsonValue },
  });
}

/** checkNewScenario, then insertScenario: what createScenario(input:) does. */
export async function createScenario(
  client: ScenarioClient,
  input: unknown,
  pathPrefix = 'input',
  caps?: SolverCaps,
): Promise<StoredScenario> {
  return insertScenario(client, await checkNewScenario(client, input, pathPrefix, caps));
}

/** Changes the fields given (the overrides as a whole); NotFoundError when there is no such scenario. */
export async function updateScenario(
  client: ScenarioClient,
  input: unknown,
  caps?: SolverCaps,
): Promise<StoredScenario> {
  const { code: scenarioCode, overrides, expectedUpdatedAt, ...changes } = parsed(updateScenarioSchema, input, 'input');
  const existing = await client.scenario.findUnique({ where: { code: scenarioCode }, select: { id: true } });
  if (!existing) throw new NotFoundError('Scenario', scenarioCode);
  if (overrides) await checkOverridesAgainstData(client, overrides, 'input', caps);
  const data = { ...changes, ...(overrides ? { overrides: overrides as Prisma.InputJsonValue } : {}) };
  // a compare-and-set on updatedAt: with expectedUpdatedAt, only if nobody changed it since
  const updated = await updateIfUnchanged(
    {
      current: async () =>
        (await client.scenario.findUnique({ where: { id: existing.id }, select: { updatedAt: true } }))?.updatedAt ??
        null,
      write: async (expected, next) =>
        (
          await client.scenario.updateMany({
            where: { id: existing.id, updatedAt: expected },
            data: { ...data, updatedAt: next },
          })
        ).count,
    },
    expectedUpdatedAt,
  );
  if (updated.outcome === 'missing') throw new NotFoundError('Scenario', scenarioCode);
  if (updated.outcome === 'changed')
    throw staleUpdateError('scenario', scenarioCode, expectedUpdatedAt!, updated.currentUpdatedAt);
  return { id: existing.id, code: scenarioCode };
}
