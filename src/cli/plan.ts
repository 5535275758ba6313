// `tokengrid plan`: solve a placement plan from the database (or a fixtures
// directory) in a worker thread and print a summary or the whole plan as JSON;
// with --async or --wait, request it from the plans service instead.
import { parseArgs } from 'node:util';
import { parseDataset, readDatasetFiles } from '../dataset/load.js';
import { planningInputFromDataset } from '../optimizer/from-dataset.js';
import { parsePlanOptions, type PlanningInput, type PlanOptions, type PlanResult } from '../optimizer/types.js';
import { closeSolverWorkers, solvePlacementInWorker } from '../optimizer/worker-pool.js';
import { unservedSentence } from '../plans/headline.js';
import { assertPlannable } from '../plans/plannable.js';

export const PLAN_USAGE = `Usage: tokengrid plan [options]

Solves a minimum cost-per-token placement of the stored demand on the stored
sites in this process and prints a summary (nothing is stored).

With --async or --wait the plan goes through the plans service instead: it is
stored with its data snapshot and solved by a worker (\`tokengrid serve\` or
\`tokengrid worker\`; on the embedded database, --wait solves it in this process).

Options:
  --periods 1|24            steady state (default) or an hourly day-ahead plan
  --capex amortized|sunk    busy GPUs pay their capex (default), or only bought GPUs do
  --solver auto|jslp|highs  default auto (small models: javascript-lp-solver; else HiGHS)
  --integer                 whole GPUs (solved by HiGHS)
  --expansion               allow buying GPUs up to each site's limit, and PLANNED sites
  --utilization X           target GPU utilization, 0 < X <= 1 (default 0.8)
  --max-site-share X        most of a region's class demand one site may take (0 < X <= 1)
  --carbon-price P          $ per tonne CO2
  --time-limit S            seconds (default 60)
  --fixtures <dir>          plan from a data set directory instead of the database
  --async                   store the plan and queue its solve; print its id and exit
  --wait                    store the plan, queue it and follow it to the end (status and
                            elapsed time on stderr), then print it
  --scenario CODE           apply a stored scenario (with --async or --wait)
  --name TEXT               the stored plan's name (with --async or --wait)
  --json                    print the whole plan as JSON
  --top N                   sites and constraints to list in the summary (default 10)
  -h, --help`;

/** A plan for the plans service (--async, --wait): stored, queued, solved by a worker. */
export interface ServicePlanRequest {
  name: string | null;
  scenarioCode: string | null;
  /** the options given on the command line (a scenario's options fill the rest) */
  options: Record<string, unknown>;
  /** follow the plan to the end (else print its id at once) */
  wait: boolean;
  json: boolean;
  top: number;
}

export interface PlanCommandDeps {
  loadPlanningInput: () => Promise<PlanningInput>;
  /** --async / --wait: create the plan and its job in the database (src/cli/plan-service.ts) */
  requestPlan?: (request: ServicePlanRequest, io: Output) => Promise<number>;
}

export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
}

const defaultOutput: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

function optionsFromArgs(values: Record<string, string | boolean | undefined>): Record<string, unknown> {
  const number = (value: string | boolean | undefined): number | undefined =>
    typeof value === 'string' ? (value.trim() === '' ? Number.NaN : Number(value)) : undefined;
  const options: Record<string, unknown> = {};
  if (values.periods !== undefined) options.periods = number(values.periods);
  if (typeof values.capex === 'string') options.capexMode = values.capex.toUpperCase();
  if (typeof values.solver === 'string') options.solver = values.solver;
  if (values.integer) options.integerGpus = true;
  if (values.expansion) options.allowExpansion = true;
  if (values.utilization !== undefined) options.targetUtilization = number(values.utilization);
  if (values['max-site-share'] !== undefined) options.maxSiteShare = number(values['max-site-share']);
  if (values['carbon-price'] !== undefined) options.carbonPricePerTonne = number(values['carbon-price']);
  if (values['time-limit'] !== undefined) options.timeLimitSeconds = number(values['time-limit']);
  return options;
}

async function loadFixturesInput(dir: string, io: Output): Promise<PlanningInput | null> {
  const { dataset, issues } = parseDataset({ files: await readDatasetFiles(dir) });
  if (issues.length > 0) {
    io.err(`tokengrid plan: ${issues.length} problem(s) in ${dir}:\n`);
    for (const issue of issues.slice(0, 20)) io.err(`  ${issue.path}: ${issue.message}\n`);
    if (issues.length > 20) io.err(`  … and ${issues.length - 20} more\n`);
    return null;
  }
  return assertPlannable(planningInputFromDataset(dataset), { kind: 'directory', path: dir });
}

export const fmt = (value: number | null | undefined, digits = 2): string =>
  value === null || value === undefined ? '—' : value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
export const tokens = (tokensPerSecond: number): string =>
  tokensPerSecond >= 1e6 ? `${fmt(tokensPerSecond / 1e6)} M tok/s` : `${fmt(tokensPerSecond / 1e3, 1)} k tok/s`;

/**
 * " — saves $0.1000/h per GPU", or, when the value is the unserved penalty
 * avoided, " — would serve 1.2 k tok/s of demand now unserved (penalty avoided
 * $2,866.38/h per GPU, not money)".
 */
function bindingValueWords(plan: PlanResult, b: PlanResult['bindingConstraints'][number]): string {
  if (b.shadowPrice === null || b.shadowPrice === 0) return '';
  const unit = b.kind === 'POWER' ? 'kW' : b.kind === 'GPU_CAPACITY' ? 'GPU' : 'unit';
  const price =
    b.kind === 'GPU_CAPACITY'
      ? plan.shadowPrices?.gpus.find((g) => g.siteCode === b.siteCode && g.gpuTypeCode === b.gpuTypeCode)
      : b.kind === 'POWER'
        ? plan.shadowPrices?.power.find((p) => p.siteCode === b.siteCode)
        : undefined;
  if (price?.basis === 'UNSERVED_DEMAND') {
    return ` — one more ${unit} would serve ${tokens(price.servesUnservedTokensPerSecond)} of demand now unserved (penalty avoided $${fmt(b.shadowPrice, 2)}/h, not money)`;
  }
  return ` — saves $${fmt(b.shadowPrice, 4)}/h per ${unit}`;
}

export function formatPlanSummary(plan: PlanResult, top = 10): string {
  const lines: string[] = [];
  const size = plan.modelSize;
  // the first line says what is left unserved and why, before anything else
  const unserved = unservedSentence(plan);
  lines.push(
    `Plan: ${plan.status} — ${plan.options.periods === 24 ? '24-hour day-ahead' : 'steady state'}, capex ${plan.options.capexMode.toLowerCase()}` +
      `${plan.options.integerGpus ? ', whole GPUs' : ''}${plan.options.allowExpansion ? ', expansion allowed' : ''}` +
      `${unserved ? `; ${unserved}` : ''}`,
  );
  lines.push(
    `Solver: ${plan.solver ?? '—'} (${plan.solverStatus ?? '—'}); ${size.variables} variables, ${size.constraints} constraints, ${size.nonzeros} nonzeros; ` +
      `build ${fmt(plan.timings.buildMs, 0)} ms, solve ${fmt(plan.timings.solveMs, 0)} ms, interpret ${fmt(plan.timings.interpretMs, 0)} ms` +
      `${plan.mipGap !== null ? `; MIP gap ${(plan.mipGap * 100).toFixed(3)}%` : ''}`,
  );
  if (plan.message) lines.push(`Note: ${plan.message}`);
  const totals = plan.totals;
  if (!totals) return `${lines.join('\n')}\n`;
  const cost = totals.costPerHour;
  lines.push('');
  lines.push(`Cost per million tokens: $${fmt(totals.costPerMillionTokens, 4)}`);
  lines.push(
    `Cost per hour: $${fmt(cost.total)} (energy $${fmt(cost.energy)}, capex $${fmt(cost.capex)}, egress $${fmt(cost.egress)}, carbon $${fmt(cost.carbon)})`,
  );
  lines.push(
    `Served ${tokens(totals.servedTokensPerSecond)} of ${tokens(totals.demandTokensPerSecond)}` +
      ` (${fmt((100 * totals.servedTokensPerSecond) / Math.max(1, totals.demandTokensPerSecond), 1)}%); unserved ${tokens(totals.unservedTokensPerSecond)}` +
      // a modelling price, not money: reported beside the unserved demand, never in a cost
      `${totals.unservedPenaltyPerHour > 0 ? ` (penalty $${fmt(totals.unservedPenaltyPerHour)}/h at $${fmt(plan.options.unservedPenaltyPerMillionTokens)}/M tok, not money)` : ''}`,
  );
  lines.push(
    `Power: ${fmt(totals.itPowerKw / 1000, 3)} MW IT, ${fmt(totals.facilityPowerKw / 1000, 3)} MW facility; ${fmt(totals.tokensPerJoule, 3)} tokens/J; ` +
      `${fmt(totals.carbonKgPerMillionTokens, 3)} kg CO2 per million tokens; ${fmt(totals.gpusBusy, 1)} GPUs busy, ${fmt(totals.gpusAdded, 1)} bought`,
  );

  const busySites = [...plan.sites].filter((s) => s.servedTokensPerSecond > 0).sort((a, b) => b.servedTokensPerSecond - a.servedTokensPerSecond);
  lines.push('');
  lines.push(`Top sites (${busySites.length} of ${plan.sites.length} carry load):`);
  for (const site of busySites.slice(0, top)) {
    lines.push(
      `  ${site.siteCode.padEnd(12)} ${tokens(site.servedTokensPerSecond).padStart(15)}  GPUs ${fmt(site.utilization * 100, 0).padStart(3)}%  ` +
        `power ${fmt(site.peakFacilityPowerKw, 0)}/${fmt(site.powerCapKw, 0)} kW  $${fmt(site.costPerMillionTokens, 4)}/M tok`,
    );
  }

  lines.push('');
  if (plan.unserved.length === 0) lines.push('Unserved demand: none');
  else {
    lines.push('Unserved demand:');
    for (const u of plan.unserved.slice(0, top)) {
      const full = u.candidateSites.filter((c) => c.limitedBy !== null).map((c) => `${c.siteCode}:${c.limitedBy}`);
      lines.push(`  ${u.regionCode} ${u.workloadClassCode}: ${tokens(u.unservedTokensPerSecond)} — ${u.reason}: ${u.explanation}`);
      if (full.length > 0) lines.push(`    full sites: ${full.slice(0, 8).join(', ')}${full.length > 8 ? ', …' : ''}`);
    }
    if (plan.unserved.length > top) lines.push(`  … and ${plan.unserved.length - top} more`);
  }

  lines.push('');
  lines.push(`Binding constraints (${plan.bindingConstraints.length}):`);
  for (const b of plan.bindingConstraints.slice(0, top)) {
    const hours = plan.options.periods === 24 ? ` (${b.periods.length} h)` : '';
    lines.push(`  ${b.description}${hours}${bindingValueWords(plan, b)}`);
  }
  if (plan.bindingConstraints.length > top) lines.push(`  … and ${plan.bindingConstraints.length - top} more`);
  if (plan.shadowPricesUnavailableReason) lines.push(`Shadow prices: ${plan.shadowPricesUnavailableReason}`);
  else if (plan.shadowPrices) {
    const demand = [...plan.shadowPrices.demand].sort((a, b) => b.marginalCostPerMillionTokens - a.marginalCostPerMillionTokens);
    lines.push('Marginal cost of more demand (highest):');
    for (const d of demand.slice(0, Math.min(5, top))) {
      lines.push(
        `  ${d.regionCode} ${d.workloadClassCode}: $${fmt(d.marginalCostPerMillionTokens, 4)} per million tokens` +
          `${d.basis === 'UNSERVED_DEMAND' ? ' (the unserved penalty: more of it would go unserved)' : ''}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export async function planCommand(argv: string[], deps: PlanCommandDeps, io: Output = defaultOutput): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        periods: { type: 'string' },
        capex: { type: 'string' },
        solver: { type: 'string' },
        integer: { type: 'boolean' },
        expansion: { type: 'boolean' },
        utilization: { type: 'string' },
        'max-site-share': { type: 'string' },
        'carbon-price': { type: 'string' },
        'time-limit': { type: 'string' },
        fixtures: { type: 'string' },
        async: { type: 'boolean' },
        wait: { type: 'boolean' },
        scenario: { type: 'string' },
        name: { type: 'string' },
        json: { type: 'boolean' },
        top: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    io.err(`tokengrid plan: ${(error as Error).message}\n\n${PLAN_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.out(`${PLAN_USAGE}\n`);
    return 0;
  }
  const givenOptions = optionsFromArgs(values);
  const parsed = parsePlanOptions(givenOptions);
  if (!parsed.ok) {
    for (const issue of parsed.issues) io.err(`tokengrid plan: ${issue.path}: ${issue.message}\n`);
    return 2;
  }
  const options: PlanOptions = parsed.options;
  const top = values.top === undefined ? 10 : Number(values.top);
  if (!Number.isInteger(top) || top < 1) {
    io.err('tokengrid plan: --top must be a positive whole number\n');
    return 2;
  }

  const service = values.async === true || values.wait === true;
  const usageError = (message: string) => {
    io.err(`tokengrid plan: ${message}\n`);
    return 2;
  };
  if (values.async && values.wait) return usageError('give --async or --wait, not both');
  if (service && values.fixtures !== undefined) return usageError('--fixtures plans in this process; it cannot be used with --async or --wait');
  if (!service && (values.scenario !== undefined || values.name !== undefined)) {
    return usageError(`--${values.scenario !== undefined ? 'scenario' : 'name'} needs --async or --wait (the plans service stores the plan)`);
  }
  if (service) {
    if (!deps.requestPlan) return usageError('the plans service is not available here');
    return deps.requestPlan(
      {
        name: typeof values.name === 'string' ? values.name : null,
        scenarioCode: typeof values.scenario === 'string' ? values.scenario : null,
        options: givenOptions,
        wait: values.wait === true,
        json: values.json === true,
        top,
      },
      io,
    );
  }

  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  const interactive = process.stderr.isTTY === true;
  const progress = (message: string, final = false) => {
    if (interactive) io.err(`\r\x1b[K${message}${final ? '\n' : ''}`);
    else io.err(`${message}\n`);
  };

  progress(values.fixtures ? `reading ${String(values.fixtures)}` : 'loading the database');
  let input: PlanningInput | null;
  try {
    input = typeof values.fixtures === 'string' ? await loadFixturesInput(values.fixtures, io) : await deps.loadPlanningInput();
  } catch (error) {
    progress(`tokengrid plan: could not load the planning data: ${(error as Error).message}`, true);
    return 1;
  }
  if (!input) return 1;

  const controller = new AbortController();
  const onSigint = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  // Non-interactive output gets a line every 5 s; a terminal gets a live counter.
  const ticker = setInterval(() => progress(`solving… ${elapsed()}`), interactive ? 200 : 5000);
  progress(`solving ${input.sites.length} sites × ${input.regions.length} regions, ${options.periods} period(s)…`);
  let plan: PlanResult;
  try {
    plan = await solvePlacementInWorker(input, options, { signal: controller.signal });
  } catch (error) {
    progress(`tokengrid plan: cancelled after ${elapsed()} (${(error as Error).message})`, true);
    return 130;
  } finally {
    clearInterval(ticker);
    process.off('SIGINT', onSigint);
    await closeSolverWorkers();
  }
  progress(`solved in ${elapsed()}: ${plan.status}`, true);

  io.out(values.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlanSummary(plan, top));
  return plan.status === 'optimal' || plan.status === 'time_limit' ? 0 : 1;
}
