// Solver benchmark: for each case, our end-to-end solve (cold process) against
// native COIN-OR CBC on the same LP and on the naive formulation, measured in
// the same run. Prints a Markdown table; "whole process" is the case's process
// from spawn to exit (Node and tsx start, reading the data, the solve). Needs `cbc` (apt-get install coinor-cbc);
// for LPs the `clp` binary's time on our LP is shown too when it is installed (coinor-clp).
// --solver clp|cbc|highs|jslp|auto (default auto: CLP/CBC in-process when their libraries are installed, else HiGHS).
// Run: npx tsx bench/solver/run.ts [--solver NAME] [case-name filter, a regular expression]
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_CASES } from './cases.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const outRoot = join(here, '..', 'output');
const NATIVE_TIME_LIMIT_S = 600;
const args = process.argv.slice(2);
const solverAt = args.indexOf('--solver');
const solver = (solverAt >= 0 ? args.splice(solverAt, 2)[1] : undefined) ?? 'auto';
const filter = args[0];
const hasClpBinary = spawnSync('clp', ['-quit'], { encoding: 'utf8' }).status === 0;

interface SolveFigures {
  status: string;
  solver: string;
  size: { variables: number; constraints: number; nonzeros: number; integerVariables: number };
  timings: { buildMs: number; solveMs: number; interpretMs: number; totalMs: number };
  objective: number | null;
  costPerMillionTokens: number | null;
  mipGap: number | null;
  /** the plan's solver note: column generation's rounds and share of routes generated */
  note: string | null;
  peakRssMb: number;
}

function runChild(args: string[]): { stdout: string; wallMs: number } {
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'case.ts'), ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`case.ts ${args.join(' ')} failed: ${child.stderr}`);
  return { stdout: child.stdout.trim().split('\n').at(-1)!, wallMs: performance.now() - started };
}

/** the clp binary on an LP, as its command line solves by default (presolve, dual simplex, perturbation 50) */
function runClp(mpsPath: string): number {
  const started = performance.now();
  spawnSync('clp', [mpsPath, '-sec', String(NATIVE_TIME_LIMIT_S), '-solve', '-quit'], {
    encoding: 'utf8',
    timeout: NATIVE_TIME_LIMIT_S * 1000 + 60_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return performance.now() - started;
}

function runCbc(mpsPath: string, mipGap: number | null): { wallMs: number; objective: number | null; status: string } {
  const args = [
    mpsPath,
    ...(mipGap !== null ? ['-ratioGap', String(mipGap)] : []),
    '-sec',
    String(NATIVE_TIME_LIMIT_S),
    '-solve',
    '-quit',
  ];
  const started = performance.now();
  const child = spawnSync('cbc', args, {
    encoding: 'utf8',
    timeout: NATIVE_TIME_LIMIT_S * 1000 + 60_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  const wallMs = performance.now() - started;
  if (child.error) return { wallMs, objective: null, status: `failed: ${child.error.message}` };
  const text = child.stdout;
  const objective =
    /Objective value:\s+([-\d.e+]+)/.exec(text) ??
    /Optimal objective\s+([-\d.e+]+)/.exec(text) ??
    /objective value\s+([-\d.e+]+)/i.exec(text);
  const status = /Result - (.+)/.exec(text)?.[1]?.trim() ?? (/Optimal - objective/.test(text) ? 'Optimal' : 'see log');
  return { wallMs, objective: objective ? Number(objective[1]) : null, status };
}

/** "7 rounds, 17% of 279,859 route columns generated, 5.6 s" from the plan's note, or — */
const columnGeneration = (note: string | null): string => /column generation: ([^;]+)/.exec(note ?? '')?.[1] ?? '—';
const fmtMs = (ms: number): string => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
const rows: string[] = [];
rows.push(
  '| case | variables | rows | nonzeros | engine | build | solve | interpret | ours end to end | whole process | peak RSS | CBC, our LP | ours ÷ CBC | CLP binary, our LP | ours ÷ CLP | naive variables | CBC, naive LP | ours ÷ CBC naive | objective check | column generation |',
);
rows.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
console.error(
  `node ${process.version}, cbc ${spawnSync('cbc', ['-quit'], { encoding: 'utf8' }).stdout.match(/Version: (\S+)/)?.[1] ?? '?'}`,
);

for (const [index, benchCase] of BENCH_CASES.entries()) {
  if (filter && !new RegExp(filter).test(benchCase.name)) continue;
  console.error(`… ${benchCase.name}`);
  const dir = join(outRoot, `case-${index}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const solved = runChild([String(index), 'solve', dir, solver]);
  const ours = JSON.parse(solved.stdout) as SolveFigures;
  const exported = JSON.parse(runChild([String(index), 'export', dir]).stdout) as {
    naive: { columns: number } | null;
    mipGap: number;
    integer: boolean;
  };
  const cbcOurs = runCbc(join(dir, 'ours.mps'), exported.integer ? exported.mipGap : null);
  const cbcNaive = exported.naive ? runCbc(join(dir, 'naive.mps'), null) : null;
  const clpMs = hasClpBinary && !exported.integer ? runClp(join(dir, 'ours.mps')) : null;
  const tolerance = exported.integer ? exported.mipGap * 2 : 1e-6;
  const agree = (value: number | null) =>
    value !== null &&
    ours.objective !== null &&
    Math.abs(value - ours.objective) <= tolerance * Math.max(1, Math.abs(ours.objective));
  const check = [
    cbcOurs.objective === null
      ? `CBC: ${cbcOurs.status}`
      : agree(cbcOurs.objective)
        ? 'same'
        : `CBC ${cbcOurs.objective}`,
    cbcNaive === null
      ? ''
      : cbcNaive.objective === null
        ? `naive: ${cbcNaive.status}`
        : agree(cbcNaive.objective)
          ? 'naive same'
          : `naive ${cbcNaive.objective}`,
  ]
    .filter(Boolean)
    .join(', ');
  rows.push(
    `| ${benchCase.name} | ${ours.size.variables}${ours.size.integerVariables ? ` (${ours.size.integerVariables} int)` : ''} | ${ours.size.constraints} | ${ours.size.nonzeros} | ${ours.solver} | ` +
      `${fmtMs(ours.timings.buildMs)} | ${fmtMs(ours.timings.solveMs)} | ${fmtMs(ours.timings.interpretMs)} | **${fmtMs(ours.timings.totalMs)}** (${ours.status}${ours.mipGap !== null ? `, gap ${(ours.mipGap * 100).toFixed(2)}%` : ''}) | ` +
      `${fmtMs(solved.wallMs)} | ${Math.round(ours.peakRssMb)} MB | ${fmtMs(cbcOurs.wallMs)} | ${(ours.timings.totalMs / cbcOurs.wallMs).toFixed(2)}× | ` +
      `${clpMs === null ? '—' : fmtMs(clpMs)} | ${clpMs === null ? '—' : `${(ours.timings.totalMs / clpMs).toFixed(2)}×`} | ` +
      `${exported.naive ? exported.naive.columns : '—'} | ${cbcNaive ? fmtMs(cbcNaive.wallMs) : '—'} | ${cbcNaive ? `${(ours.timings.totalMs / cbcNaive.wallMs).toFixed(2)}×` : '—'} | ${check} | ${columnGeneration(ours.note)} |`,
  );
  console.error(rows.at(-1));
  rmSync(dir, { recursive: true, force: true });
}
console.log(rows.join('\n'));
