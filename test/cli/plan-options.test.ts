// `tokengrid plan` takes every plan option the API takes, generated from
// planOptionsSchema: one option per field, and a value given on the command
// line reaches the solved plan's options.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  PLAN_OPTION_DESCRIPTIONS,
  PLAN_OPTION_SPECS,
  planOptionFlag,
  planOptionOptions,
} from '../../src/cli/plan-options.js';
import {
  DEFAULT_PLAN_OPTIONS,
  planOptionsSchema,
  type PlanOptions,
  type PlanResult,
} from '../../src/optimizer/types.js';
import { ensureBuilt, run } from './run.js';

const FIELDS = Object.keys(planOptionsSchema.shape) as (keyof PlanOptions)[];

/** A value other than the default for every field, as typed on the command line and as the plan holds it. */
const GIVEN: Record<keyof PlanOptions, { argv: string[]; value: unknown }> = {
  periods: { argv: ['24'], value: 24 },
  capexMode: { argv: ['sunk'], value: 'SUNK' },
  targetUtilization: { argv: ['0.7'], value: 0.7 },
  maxSiteShare: { argv: ['0.9'], value: 0.9 },
  allowExpansion: { argv: [], value: true },
  carbonPricePerTonne: { argv: ['40'], value: 40 },
  carbonCapTonnesPerHour: { argv: ['5000'], value: 5000 },
  egressPricePerMillionTokens: { argv: ['0.02'], value: 0.02 },
  unservedPenaltyPerMillionTokens: { argv: ['900'], value: 900 },
  excludeSites: { argv: ['US-ASH,US-DFW'], value: ['US-ASH', 'US-DFW', 'US-PHX'] },
  integerGpus: { argv: [], value: true },
  mipGapRelative: { argv: ['0.02'], value: 0.02 },
  timeLimitSeconds: { argv: ['120'], value: 120 },
  solver: { argv: ['highs'], value: 'highs' },
  columnGeneration: { argv: ['off'], value: 'off' },
  warmStart: { argv: [], value: false },
};

/** `--periods`; `--no-warm-start` for an option on by default */
const flagOf = (field: keyof PlanOptions): string => planOptionFlag(PLAN_OPTION_SPECS.find((s) => s.field === field)!);

beforeAll(() => ensureBuilt(), 180_000);

describe('plan options from the schema', () => {
  it('every field of planOptionsSchema has a described command-line option named after it', () => {
    expect(PLAN_OPTION_SPECS.map((spec) => spec.field)).toEqual(FIELDS);
    expect(Object.keys(PLAN_OPTION_DESCRIPTIONS).sort()).toEqual([...FIELDS].sort());
    const flags = planOptionOptions().map((option) => option.long);
    for (const field of FIELDS) expect(flags).toContain(flagOf(field));
    expect(Object.keys(GIVEN).sort()).toEqual([...FIELDS].sort());
  });

  it('`tokengrid plan --help` lists every option', async () => {
    const { code, out } = await run(['plan', '--help'], { TOKENGRID_DATA_DIR: '/nonexistent/data' });
    expect(code).toBe(0);
    for (const field of FIELDS) expect(out).toContain(flagOf(field));
  });

  it('a value given for every option reaches the solved plan (a list comma-separated and repeated)', async () => {
    const argv = FIELDS.flatMap((field) => [flagOf(field), ...GIVEN[field].argv]);
    argv.push('--exclude-sites', 'US-PHX');
    // the data set without models: a 24-hour whole-GPU plan with expansion solves in seconds (seven models: minutes)
    const { code, out, err } = await run(['plan', '--fixtures', 'fixtures/one-model', '--json', ...argv], {
      TOKENGRID_DATA_DIR: '/nonexistent/data',
    });
    expect(code, err).toBe(0);
    const plan = JSON.parse(out) as PlanResult;
    for (const field of FIELDS) {
      expect(plan.options[field], field).toEqual(GIVEN[field].value);
      expect(plan.options[field], field).not.toEqual(DEFAULT_PLAN_OPTIONS[field]);
    }
    // the excluded sites are not in the plan
    expect(plan.sites.map((s) => s.siteCode)).not.toContain('US-ASH');
  }, 240_000);

  it('the shorter names of earlier releases still work', async () => {
    const { code, out, err } = await run(
      [
        'plan',
        '--fixtures',
        'fixtures',
        '--json',
        '--capex',
        'sunk',
        '--utilization',
        '0.75',
        '--carbon-price',
        '10',
        '--time-limit',
        '30',
      ],
      { TOKENGRID_DATA_DIR: '/nonexistent/data' },
    );
    expect(code, err).toBe(0);
    expect((JSON.parse(out) as PlanResult).options).toMatchObject({
      capexMode: 'SUNK',
      targetUtilization: 0.75,
      carbonPricePerTonne: 10,
      timeLimitSeconds: 30,
    });
  }, 120_000);
});
