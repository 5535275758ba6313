// `tokengrid scenarios list|show|create|delete`: the scenario query and
// mutations of the GraphQL API, run through the same schema as `schedules`
// (inProcessGraphQL), so the command line checks exactly what the API checks.
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { CommandFailure, onAction, requireFile, runCommand, type Output } from './command.js';
import { runGraphQL, typedAnswer, type SchedulesCommandDeps } from './schedules.js';

export type ScenariosCommandDeps = Pick<SchedulesCommandDeps, 'graphql'>;

const LIST = '{ scenarios(first: 100) { totalCount edges { node { code name description summary } } } }';
// `summary` is the overrides in words (describeOverrides); `overrides` the stored JSON
const SHOW =
  'query ($code: String!) { scenario(code: $code) { code name description summary overrides: overridesJson createdAt updatedAt } }';
const ERRORS =
  '... on ValidationError { message issues { path message } } ... on NotFoundError { message } ... on ConflictError { message }';
const CREATE = `mutation ($input: CreateScenarioInput!) { createScenario(input: $input) { __typename ... on MutationCreateScenarioSuccess { data { code name summary } } ${ERRORS} } }`;
const DELETE = `mutation ($input: DeleteScenarioInput!) { deleteScenario(input: $input) { __typename ... on MutationDeleteScenarioSuccess { data { code } } ${ERRORS} } }`;

interface ScenarioView {
  code: string;
  name: string;
  description: string;
  summary: string[];
}

const LABEL = 'tokengrid scenarios';
const HOW_TO_CREATE = 'create one with `tokengrid scenarios create --file <scenario.json>` (see fixtures/scenarios/)';

function describe(scenario: ScenarioView): string {
  const lines = [`${scenario.code}  ${scenario.name}`];
  if (scenario.description) lines.push(`  ${scenario.description}`);
  for (const line of scenario.summary) lines.push(`  - ${line}`);
  return lines.join('\n');
}

/** The `scenarios` command group. Exit code: 0 done, 1 refused (validation, not found, conflict) or failed, 2 usage. */
export function scenariosProgram(deps: ScenariosCommandDeps): Command {
  const scenarios = new Command('scenarios').description(
    'what-if scenarios: overrides applied to a plan requested with --scenario',
  );
  const run = (query: string, variables?: Record<string, unknown>) => runGraphQL(deps.graphql, query, variables);

  onAction<{ json?: boolean }>(
    scenarios
      .command('list')
      .description('every scenario by code, with its overrides in words')
      .option('--json', 'print them as JSON'),
    async (_args, flags, io) => {
      const { scenarios: page } = await run(LIST);
      const rows: ScenarioView[] = page.edges.map((edge: { node: ScenarioView }) => edge.node);
      if (rows.length === 0) io.err(`no scenarios; ${HOW_TO_CREATE}\n`);
      if (flags.json) io.out(`${JSON.stringify(rows, null, 2)}\n`);
      else if (rows.length > 0) io.out(`${rows.map(describe).join('\n')}\n`);
      if (page.totalCount > rows.length) io.err(`… and ${page.totalCount - rows.length} more\n`);
      return 0;
    },
  );
  onAction<{ json?: boolean }>(
    scenarios
      .command('show')
      .description('one scenario: its overrides in words, or the stored overrides as JSON')
      .argument('<code>', "the scenario's code")
      .option('--json', 'print the scenario with its overrides as JSON'),
    async ([code], flags, io) => {
      const { scenario } = await run(SHOW, { code });
      if (!scenario) throw new CommandFailure(`scenario "${code}" does not exist`);
      io.out(flags.json ? `${JSON.stringify(scenario, null, 2)}\n` : `${describe(scenario as ScenarioView)}\n`);
      return 0;
    },
  );
  onAction<{ file: string }>(
    scenarios
      .command('create')
      .description('store a scenario from a JSON file: { "code", "name", "description"?, "overrides": { … } }')
      .requiredOption('--file <json>', 'the scenario as a JSON document (the createScenario input)')
      .addHelpText('after', '\nExample: tokengrid scenarios create --file fixtures/scenarios/pricey-us.json'),
    async (_args, flags, io) => {
      const input = await readScenarioFile(flags.file);
      // the document is the mutation's input as it is: the API validates it, names the fields it refuses and writes nothing then
      const data = typedAnswer(LABEL, (await run(CREATE, { input })).createScenario, io) as ScenarioView;
      io.out(`created\n${describe({ ...data, description: '' })}\n`);
      return 0;
    },
  );
  onAction(
    scenarios
      .command('delete')
      .description('delete a scenario (its plans stay; refused while a schedule uses it)')
      .argument('<code>', "the scenario's code"),
    async ([code], _flags, io: Output) => {
      const data = typedAnswer(LABEL, (await run(DELETE, { input: { code } })).deleteScenario, io) as { code: string };
      io.out(`deleted ${data.code}\n`);
      return 0;
    },
  );
  return scenarios;
}

async function readScenarioFile(path: string): Promise<Record<string, unknown>> {
  await requireFile(path);
  let document: unknown;
  try {
    document = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new CommandFailure(`${path}: not a JSON document (${(error as Error).message})`);
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new CommandFailure(
      `${path}: must hold one JSON object { "code", "name", "description"?, "overrides": { … } }`,
    );
  }
  return document as Record<string, unknown>;
}

/** Runs `tokengrid scenarios` with `argv` (the arguments after `scenarios`); answers the exit code. */
export function scenariosCommand(argv: string[], deps: ScenariosCommandDeps, io?: Output): Promise<number> {
  return runCommand(scenariosProgram(deps), argv, io);
}
