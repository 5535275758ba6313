// One refused 24-hour request's model-size check in a fresh process, called by
// run.ts: `caps-case.ts <build|count> <sites> <regions>`. `build` is the check
// before issue 12 item 17 (build the model, read its column count), `count` is
// countPlanModel. Prints one JSON line: { ms, variables, peakRssMb, rssBeforeMb }.
import { countPlanModel } from '../../src/optimizer/model-size.js';
import { buildPlanModel } from '../../src/optimizer/solve.js';
import { DEFAULT_PLAN_OPTIONS } from '../../src/optimizer/types.js';
import { syntheticInput } from '../../test/optimizer/synthetic.js';

const [how, sites, regions] = process.argv.slice(2);
const input = syntheticInput({ sites: Number(sites), regions: Number(regions), seed: 1 });
const options = { ...DEFAULT_PLAN_OPTIONS, periods: 24 as const };
global.gc?.();
const before = process.resourceUsage().maxRSS;
const started = performance.now();
const variables =
  how === 'build' ? buildPlanModel(input, options).compiled.lp.numColumns : countPlanModel(input, options).variables;
const ms = performance.now() - started;
const peak = process.resourceUsage().maxRSS;
console.log(JSON.stringify({ ms, variables, peakRssMb: peak / 1024, rssBeforeMb: before / 1024 }));
