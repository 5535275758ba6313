// `tokengrid plans show` as a real process: a line per site carrying load says
// over which price the plan holds, with the numbers the stored plan carries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { priceRangeSentence, powerCapRangeWords } from '../../src/plans/range-words.js';
import { cliWorkspace, type CliWorkspace } from '../helpers/cli.js';
import { ensureBuilt, run } from './run.js';

let workspace: CliWorkspace;
let planId: string;

beforeAll(async () => {
  await ensureBuilt();
  workspace = await cliWorkspace('ranges', { from: 'started' });
  const plan = await run(['plan', '--wait', '--solver', 'highs', '--json'], workspace.env);
  expect(plan.code, plan.err).toBe(0);
  planId = JSON.parse(plan.out).id;
}, 600_000);
afterAll(() => workspace?.cleanup());

describe('tokengrid plans show: sensitivity ranges', () => {
  it('prints the price range of each site carrying load, as the stored plan has it', async () => {
    const shown = await run(['plans', 'show', planId, '--top', '100'], workspace.env);
    expect(shown.code, shown.err).toBe(0);
    const json = JSON.parse((await run(['plans', 'show', planId, '--json'], workspace.env)).out);
    const sites: {
      siteCode: string;
      servedTokensPerSecond: number;
      ranges: { pricePerKwh: { low: number | null; high: number | null }; powerCapKw: { low: number; high: null } };
    }[] = json.result.sites;
    const busy = sites.filter((s) => s.servedTokensPerSecond > 0);
    expect(busy.length).toBeGreaterThan(5);
    const lines = shown.out.split('\n');
    const heading = lines.indexOf('Sensitivity ranges (sites carrying load):');
    expect(heading).toBeGreaterThan(0);
    const printed = lines.slice(heading + 1, heading + 1 + busy.length).map((l) => l.trim());
    expect(new Set(printed)).toEqual(
      new Set(
        busy.map(
          (s) =>
            `${priceRangeSentence(s.siteCode, s.ranges.pricePerKwh)}, and ${powerCapRangeWords(s.ranges.powerCapKw)}`,
        ),
      ),
    );
    // the planner's sentence, with dollars, for a site whose price has two ends
    expect(printed.join('\n')).toMatch(
      /this plan holds while [A-Z]{2}-[A-Z]{3}'s price stays between \$0\.\d{3,6} and \$\d+\.\d{3,6}\/kWh/,
    );
    expect(shown.out).not.toMatch(/^Sensitivity ranges: /m);
  }, 120_000);
});
