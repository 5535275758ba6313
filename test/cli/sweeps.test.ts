// `tokengrid sweep` and `tokengrid sweeps show|list` as real processes on the
// database a first start leaves: the curve as a pipe-safe table, the same
// figures as the stored sweep, one-line errors and exit codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliWorkspace, type CliWorkspace } from '../helpers/cli.js';
import { ensureBuilt, run } from './run.js';

let workspace: CliWorkspace;
const tokengrid = (...args: string[]) => run(args, workspace.env);

beforeAll(async () => {
  await ensureBuilt();
  workspace = await cliWorkspace('sweeps', { from: 'started' });
}, 180_000);
afterAll(() => workspace?.cleanup());

const money = (value: number, digits: number) =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

describe('tokengrid sweep', () => {
  it('--help says what it does and acts on nothing', async () => {
    const { code, out, err } = await tokengrid('sweep', '--help');
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).toMatch(/--parameter <name>.*\(choices: "price-multiplier", "demand-growth", "latency-budget-ms"\)/s);
    expect(out).toContain('tokengrid sweep --parameter price-multiplier --values 0.8,0.9,1,1.1,1.2 --wait');
  }, 60_000);

  it('--wait solves every point and prints the curve; sweeps show prints the same table from the database', async () => {
    const waited = await tokengrid(
      'sweep',
      '--parameter',
      'price-multiplier',
      '--values',
      '0.8,1,1.2',
      '--name',
      'cli sweep',
      '--wait',
    );
    expect(waited.err).toMatch(/sweep [0-9a-f-]{36}: 3\/3 plans final/);
    expect(waited.code, waited.err).toBe(0);
    // a pipe gets the table only: no progress, no escape codes
    expect(waited.out).not.toMatch(/\x1b/);
    const lines = waited.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Sweep ([0-9a-f-]{36}) "cli sweep": PRICE_MULTIPLIER; FINISHED, 3\/3 plans final$/);
    expect(lines[1]).toMatch(
      /value \(× price\)\s+status\s+\$\/M tokens\s+\$\/h\s+kg CO2\/M tok\s+kg CO2\/h\s+unserved tok\/s/,
    );
    expect(lines).toHaveLength(5);
    const id = /^Sweep (\S+)/.exec(lines[0]!)![1]!;

    const shown = await tokengrid('sweeps', 'show', id);
    expect(shown.code).toBe(0);
    expect(shown.out).toBe(waited.out);

    const json = await tokengrid('sweeps', 'show', id, '--json');
    const sweep = JSON.parse(json.out);
    expect(sweep.points.map((p: { value: number }) => p.value)).toEqual([0.8, 1, 1.2]);
    sweep.points.forEach((point: Record<string, number>, i: number) => {
      const row = lines[2 + i]!.trim().split(/\s+/);
      expect(row[0]).toBe(String(point.value));
      expect(row[1]).toBe('SOLVED');
      expect(row[2]).toBe(money(point.costPerMillionTokens!, 4));
      expect(row[3]).toBe(money(point.costPerHour!, 2));
      expect(row[4]).toBe(money(point.carbonKgPerMillionTokens!, 4));
    });
    // dearer electricity costs more per hour
    expect(sweep.points[2].costPerHour).toBeGreaterThan(sweep.points[0].costPerHour);

    const list = await tokengrid('sweeps', 'list');
    expect(list.code).toBe(0);
    expect(list.out).toContain(`${id}  FINISHED`);
  }, 300_000);

  it('without --wait prints only the id on stdout', async () => {
    const queued = await tokengrid(
      'sweep',
      '--parameter',
      'latency-budget-ms',
      '--values',
      '20,200',
      '--region',
      'US-EAST',
    );
    expect(queued.code, queued.err).toBe(0);
    expect(queued.out).toMatch(/^[0-9a-f-]{36}\n$/);
    expect(queued.err).toMatch(/^sweep [0-9a-f-]{36} queued: 2 plans\n$/);
  }, 120_000);

  it('refuses bad usage and bad values with one line each, naming the field', async () => {
    const notNumber = await tokengrid('sweep', '--parameter', 'demand-growth', '--values', '1,x');
    expect(notNumber.code).toBe(2);
    expect(notNumber.err).toBe('tokengrid sweep: --values: "x" is not a number\n');

    const parameter = await tokengrid('sweep', '--parameter', 'carbon', '--values', '1,2');
    expect(parameter.code).toBe(2);
    expect(parameter.err.trim().split('\n')).toHaveLength(1);
    expect(parameter.err).toMatch(/^tokengrid sweep: option '--parameter <name>' argument 'carbon' is invalid/);

    const repeated = await tokengrid('sweep', '--parameter', 'demand-growth', '--values', '1,1');
    expect(repeated.code).toBe(1);
    expect(repeated.err).toBe('tokengrid sweep: values[1]: 1 is already values[0]\n');

    const scope = await tokengrid('sweep', '--parameter', 'price-multiplier', '--values', '1,2', '--region', 'US-EAST');
    expect(scope.code).toBe(1);
    expect(scope.err).toMatch(/^tokengrid sweep: scope\.regionCode: does not apply to PRICE_MULTIPLIER/);
    expect(scope.out).toBe('');

    const missing = await tokengrid('sweeps', 'show', '00000000-0000-0000-0000-000000000000');
    expect(missing.code).toBe(1);
    expect(missing.err).toBe('tokengrid sweeps show: sweep "00000000-0000-0000-0000-000000000000" does not exist\n');
  }, 120_000);
});
