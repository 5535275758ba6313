// `tokengrid scenarios list|show|create|delete` as a real process, through the
// API's validation: a bad file names the field and writes nothing.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliWorkspace, type CliWorkspace } from '../helpers/cli.js';
import { ensureBuilt, run } from './run.js';

let workspace: CliWorkspace;
let good: string;
let bad: string;
// an empty database: nothing seeded, so "no scenarios" and "no plans" are the truth
const tokengrid = (...args: string[]) => run(args, { ...workspace.env, TOKENGRID_SEED_FIXTURES: 'false' });

beforeAll(async () => {
  await ensureBuilt();
  workspace = await cliWorkspace('scenarios', { from: 'migrated' });
  good = join(
    workspace.env.TOKENGRID_DATA_DIR!,
    '..',
    `${workspace.env.TOKENGRID_DATA_DIR!.split('/').pop()}-good.json`,
  );
  bad = `${good}.bad.json`;
  await writeFile(
    good,
    JSON.stringify({
      code: 'CARBON-80',
      name: 'Carbon at $80/t',
      description: 'a carbon price',
      overrides: { carbonPricePerTonne: 80, demandGrowth: [{ multiplier: 1.2 }] },
    }),
  );
  await writeFile(bad, JSON.stringify({ code: 'BAD-ONE', name: 'bad', overrides: { carbonPricePerTonne: -5 } }));
}, 180_000);
afterAll(() => workspace?.cleanup());

describe('tokengrid scenarios', () => {
  it('list on an empty database says so on stderr, with how to create one', async () => {
    const { code, out, err } = await tokengrid('scenarios', 'list');
    expect(code).toBe(0);
    expect(out).toBe('');
    expect(err).toMatch(/^no scenarios; create one with `tokengrid scenarios create --file <scenario.json>`/);
  }, 120_000);

  it('plans list with no plans says so on stderr', async () => {
    const { code, out, err } = await tokengrid('plans', 'list');
    expect(code).toBe(0);
    expect(out).toBe('');
    expect(err).toMatch(/^no plans; request one with `tokengrid plan --wait`/);
  }, 120_000);

  it('a bad file prints each issue naming the field, exits 1 and writes nothing', async () => {
    const { code, out, err } = await tokengrid('scenarios', 'create', '--file', bad);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toBe('tokengrid scenarios: overrides.carbonPricePerTonne: carbonPricePerTonne must be >= 0\n');
    expect((await tokengrid('scenarios', 'list', '--json')).out).toBe('[]\n');
  }, 120_000);

  it("planOptions over the configured solver caps are refused, naming the field, as the API's are", async () => {
    const long = `${good}.long.json`;
    await writeFile(
      long,
      JSON.stringify({ code: 'LONG-ONE', name: 'long', overrides: { planOptions: { timeLimitSeconds: 120 } } }),
    );
    const { code, out, err } = await run(['scenarios', 'create', '--file', long], {
      ...workspace.env,
      TOKENGRID_SEED_FIXTURES: 'false',
      TOKENGRID_MAX_SOLVE_TIME_LIMIT_SECONDS: '60',
    });
    expect({ code, out, err }).toEqual({
      code: 1,
      out: '',
      err: 'tokengrid scenarios: overrides.planOptions.timeLimitSeconds: must be at most 60 s on this server (got 120)\n',
    });
  }, 120_000);

  it('create, show (in words and as JSON), list, delete', async () => {
    const created = await tokengrid('scenarios', 'create', '--file', good);
    expect(created.code, created.err).toBe(0);
    expect(created.out).toMatch(
      /^created\nCARBON-80 {2}Carbon at \$80\/t\n {2}- demand ×1\.2 for every class in every region\n {2}- carbon price 80 USD\/t\n$/,
    );
    const shown = await tokengrid('scenarios', 'show', 'CARBON-80');
    expect(shown.out).toContain('  a carbon price\n');
    expect(shown.out).toContain('  - carbon price 80 USD/t\n');
    const json = JSON.parse((await tokengrid('scenarios', 'show', 'CARBON-80', '--json')).out);
    expect(json).toMatchObject({
      code: 'CARBON-80',
      overrides: { carbonPricePerTonne: 80, demandGrowth: [{ multiplier: 1.2 }] },
    });
    const again = await tokengrid('scenarios', 'create', '--file', good);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/^tokengrid scenarios: a scenario with code "CARBON-80" already exists\n$/);
    expect(
      JSON.parse((await tokengrid('scenarios', 'list', '--json')).out).map((s: { code: string }) => s.code),
    ).toEqual(['CARBON-80']);
    expect(await tokengrid('scenarios', 'delete', 'CARBON-80')).toMatchObject({ code: 0, out: 'deleted CARBON-80\n' });
    const missing = await tokengrid('scenarios', 'delete', 'CARBON-80');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^tokengrid scenarios: .*CARBON-80.* does not exist\n$/);
    expect((await tokengrid('scenarios', 'show', 'CARBON-80')).code).toBe(1);
  }, 300_000);
});
