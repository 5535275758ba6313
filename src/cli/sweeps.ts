// `tokengrid sweep` and `tokengrid sweeps show|list`: plan sweeps through the
// GraphQL API in this process (requestPlanSweep, planSweep), so the command
// line checks exactly what the API checks; the curve printed as a table.
import { Command, Option } from 'commander';
import { onAction, runCommand, UsageError, wholeNumber, type Output } from './command.js';
import { fmt } from './plan.js';
import { givenPlanOptions, planOptionOptions } from './plan-options.js';
import { runGraphQL, typedAnswer, type SchedulesCommandDeps } from './schedules.js';

type GraphQL = SchedulesCommandDeps['graphql'];

export interface SweepCommandDeps {
  /** runs with the API in this process; `solve`: plans are solved here too (the embedded database has no other worker) */
  withGraphQL: (solve: boolean, run: (graphql: GraphQL) => Promise<number>) => Promise<number>;
  /** how often --wait reads the sweep (default 500 ms) */
  pollMs?: number;
}

const PARAMETERS: Record<string, string> = {
  'price-multiplier': 'PRICE_MULTIPLIER',
  'demand-growth': 'DEMAND_GROWTH',
  'latency-budget-ms': 'LATENCY_BUDGET_MS',
};

const POINT_FIELDS =
  'value status costPerMillionTokens costPerHour carbonKgPerHour carbonKgPerMillionTokens unservedTokensPerSecond plan { id }';
const SWEEP_FIELDS = `id name parameter values scope scenarioCode status pointsFinal points { ${POINT_FIELDS} }`;
const REQUEST = `mutation ($input: RequestPlanSweepInput!) { requestPlanSweep(input: $input) { __typename
  ... on MutationRequestPlanSweepSuccess { data { ${SWEEP_FIELDS} } }
  ... on ValidationError { message issues { path message } } ... on NotFoundError { message } } }`;
const SHOW = `query ($id: ID!) { planSweep(id: $id) { ${SWEEP_FIELDS} } }`;
const LIST = `query ($first: Int!) { planSweeps(first: $first) { totalCount edges { node { id name parameter values status pointsFinal requestedAt } } } }`;

interface SweepPoint {
  value: number;
  status: string;
  costPerMillionTokens: number | null;
  costPerHour: number | null;
  carbonKgPerHour: number | null;
  carbonKgPerMillionTokens: number | null;
  unservedTokensPerSecond: number | null;
  plan: { id: string };
}
interface SweepView {
  id: string;
  name: string | null;
  parameter: string;
  values: number[];
  scope: Record<string, unknown>;
  scenarioCode: string | null;
  status: string;
  pointsFinal: number;
  points: SweepPoint[];
}

interface SweepFlags extends Record<string, unknown> {
  parameter: string;
  values: string;
  name?: string;
  scenario?: string;
  site?: string;
  country?: string;
  region?: string;
  regionCountries?: string;
  class?: string;
  model?: string;
  wait?: boolean;
  json?: boolean;
}

const LABEL = 'tokengrid sweep';

/** "0.8,0.9,1" → numbers, or a UsageError naming the value that is not one. */
export function parseValues(text: string): number[] {
  return text.split(',').map((part) => {
    const value = Number(part.trim());
    if (part.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--values: "${part}" is not a number`);
    return value;
  });
}

const unit = (parameter: string) =>
  parameter === 'LATENCY_BUDGET_MS' ? 'ms' : parameter === 'PRICE_MULTIPLIER' ? '× price' : '× demand';

/** The curve as a table: one row per value, in the order asked. */
export function formatSweep(sweep: SweepView): string {
  const scope = Object.entries(sweep.scope)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join(',') : String(value)}`)
    .join(' ');
  const lines = [
    `Sweep ${sweep.id}${sweep.name ? ` "${sweep.name}"` : ''}: ${sweep.parameter}${scope ? ` (${scope})` : ''}` +
      `${sweep.scenarioCode ? `, scenario ${sweep.scenarioCode}` : ''}; ${sweep.status}, ${sweep.pointsFinal}/${sweep.points.length} plans final`,
    `${`value (${unit(sweep.parameter)})`.padStart(16)}  ${'status'.padEnd(10)}  ${'$/M tokens'.padStart(10)}  ${'$/h'.padStart(12)}  ${'kg CO2/M tok'.padStart(12)}  ${'kg CO2/h'.padStart(10)}  ${'unserved tok/s'.padStart(14)}`,
  ];
  for (const p of sweep.points) {
    lines.push(
      `${String(p.value).padStart(16)}  ${p.status.padEnd(10)}  ${fmt(p.costPerMillionTokens, 4).padStart(10)}  ${fmt(p.costPerHour, 2).padStart(12)}  ` +
        `${fmt(p.carbonKgPerMillionTokens, 4).padStart(12)}  ${fmt(p.carbonKgPerHour, 1).padStart(10)}  ${fmt(p.unservedTokensPerSecond, 0).padStart(14)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const FINAL_OK = new Set(['SOLVED', 'TIME_LIMIT']);
/** 0 when every point has a plan to read, else 1 */
const exitOf = (sweep: SweepView) => (sweep.points.every((p) => FINAL_OK.has(p.status)) ? 0 : 1);

async function follow(graphql: GraphQL, id: string, io: Output, pollMs: number): Promise<SweepView> {
  const interactive = process.stderr.isTTY === true;
  let said = '';
  for (;;) {
    const { planSweep } = await runGraphQL(graphql, SHOW, { id });
    const sweep = planSweep as SweepView;
    const line = `sweep ${id}: ${sweep.pointsFinal}/${sweep.points.length} plans final`;
    // a terminal gets a live line; a log gets each change
    if (line !== said) io.err(interactive ? `\r\x1b[K${line}` : `${line}\n`);
    said = line;
    if (sweep.status === 'FINISHED') {
      if (interactive) io.err('\n');
      return sweep;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** `tokengrid sweep`. Exit code: 0 queued (or, with --wait, every plan solved), 1 refused or a plan not solved, 2 usage. */
export function sweepProgram(deps: SweepCommandDeps): Command {
  const command = new Command('sweep')
    .description('one plan per value of a parameter, read as a curve ($/M tokens and carbon against the parameter)')
    .addOption(new Option('--parameter <name>', 'what varies').choices(Object.keys(PARAMETERS)).makeOptionMandatory())
    .requiredOption('--values <v,v,…>', '2 to 50 distinct values, comma-separated (multipliers, or ms)')
    .option('--site <code>', 'price-multiplier: only this site')
    .option('--country <cc>', 'price-multiplier: only the sites in this country')
    .option('--region <code>', 'demand-growth, latency-budget-ms: only this region')
    .option('--region-countries <cc,cc,…>', 'demand-growth: only the regions in these countries')
    .option('--class <code>', 'demand-growth, latency-budget-ms: only this workload class')
    .option('--model <code>', 'demand-growth: only this model')
    .option('--scenario <code>', 'the scenario every point starts from')
    .option('--name <text>', "the sweep's name")
    .option('--wait', 'follow the plans until every one is final, then print the curve')
    .option('--json', 'print the sweep as JSON');
  for (const option of planOptionOptions()) command.addOption(option);
  command.addHelpText(
    'after',
    '\nExample: tokengrid sweep --parameter price-multiplier --values 0.8,0.9,1,1.1,1.2 --wait\n' +
      'Without --wait it prints the sweep id; `tokengrid sweeps show ID` prints the curve.\n' +
      'Exit status: 0 done, 1 refused or a plan not solved, 2 bad usage.',
  );
  return onAction<SweepFlags>(command, async (_args, flags, io) => {
    const values = parseValues(flags.values);
    const scope = Object.fromEntries(
      Object.entries({
        siteCode: flags.site,
        country: flags.country,
        regionCode: flags.region,
        regionCountries: flags.regionCountries?.split(',').map((c) => c.trim()),
        workloadClassCode: flags.class,
        modelCode: flags.model,
      }).filter(([, value]) => value !== undefined),
    );
    const input = {
      name: flags.name ?? null,
      parameter: PARAMETERS[flags.parameter],
      values,
      scope,
      scenario: flags.scenario ?? null,
      options: givenPlanOptions(flags),
    };
    return deps.withGraphQL(flags.wait === true, async (graphql) => {
      const requested = await runGraphQL(graphql, REQUEST, { input });
      let sweep = typedAnswer(LABEL, requested.requestPlanSweep, io) as SweepView;
      if (!flags.wait) {
        io.err(`sweep ${sweep.id} queued: ${sweep.points.length} plans\n`);
        io.out(flags.json ? `${JSON.stringify(sweep, null, 2)}\n` : `${sweep.id}\n`);
        return 0;
      }
      sweep = await follow(graphql, sweep.id, io, deps.pollMs ?? 500);
      io.out(flags.json ? `${JSON.stringify(sweep, null, 2)}\n` : formatSweep(sweep));
      return exitOf(sweep);
    });
  });
}

/** `tokengrid sweeps show|list`. */
export function sweepsProgram(deps: SweepCommandDeps): Command {
  const sweeps = new Command('sweeps')
    .description('stored plan sweeps: list, show one as a curve')
    .addHelpText('after', '\nExit status: 0 done, 1 a sweep is missing or a plan of it not solved, 2 bad usage.');
  onAction<{ json?: boolean }>(
    sweeps
      .command('show')
      .description('one sweep as a table: value, status, $/M tokens, $/h, carbon, unserved')
      .argument('<id>', "the sweep's id")
      .option('--json', 'print the sweep as JSON'),
    ([id], flags, io) =>
      deps.withGraphQL(false, async (graphql) => {
        const { planSweep } = await runGraphQL(graphql, SHOW, { id });
        if (!planSweep) {
          io.err(`tokengrid sweeps show: sweep "${id}" does not exist\n`);
          return 1;
        }
        const sweep = planSweep as SweepView;
        io.out(flags.json ? `${JSON.stringify(sweep, null, 2)}\n` : formatSweep(sweep));
        return sweep.status === 'FINISHED' ? exitOf(sweep) : 0;
      }),
  );
  onAction<{ limit?: string; json?: boolean }>(
    sweeps
      .command('list')
      .description('stored sweeps, newest request first')
      .option('--limit <n>', 'at most this many, 1–100', '20')
      .option('--json', 'print them as JSON'),
    (_args, flags, io) => {
      const first = wholeNumber('--limit', flags.limit, 20, 1, 100);
      return deps.withGraphQL(false, async (graphql) => {
        const { planSweeps } = await runGraphQL(graphql, LIST, { first });
        const rows = planSweeps.edges.map((edge: { node: unknown }) => edge.node) as (SweepView & {
          requestedAt: string;
        })[];
        if (rows.length === 0) io.err('no sweeps; request one with `tokengrid sweep --parameter … --values …`\n');
        if (flags.json) io.out(`${JSON.stringify(rows, null, 2)}\n`);
        else
          for (const row of rows)
            io.out(
              `${row.id}  ${row.status.padEnd(8)}  ${row.requestedAt}  ${row.parameter} ${row.values.join(',')}${row.name ? `  ${row.name}` : ''}\n`,
            );
        return 0;
      });
    },
  );
  return sweeps;
}

export const sweepCommand = (argv: string[], deps: SweepCommandDeps, io?: Output) =>
  runCommand(sweepProgram(deps), argv, io);
