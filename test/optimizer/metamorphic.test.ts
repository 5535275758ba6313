// Metamorphic tests: change the input in a way whose effect on the plan is
// known without solving it, and check the solver agrees.
import { describe, expect, it } from 'vitest';
import { seededRandom, syntheticInput } from './synthetic.js';
import { solvePlacement } from '../../src/optimizer/solve.js';
import { DEFAULT_PLAN_OPTIONS, type PlanningInput, type PlanOptions } from '../../src/optimizer/types.js';

const relativeGap = (a: number, b: number): number => Math.abs(a - b) / Math.max(1, Math.abs(a), Math.abs(b));
const highs = (overrides: Partial<PlanOptions> = {}): PlanOptions => ({
  ...DEFAULT_PLAN_OPTIONS,
  solver: 'highs',
  ...overrides,
});
// Every class has a latency budget here, so a far-away site is truly unreachable.
const instance = (seed: number, loadFactor = 0.9): PlanningInput =>
  syntheticInput({ sites: 14, regions: 6, classes: 3, gpuTypes: 5, seed, loadFactor, restrictedShare: 0.3 });
/** Plenty of room: only demand no site can reach goes unserved. */
const roomy = (seed: number): PlanningInput =>
  syntheticInput({ sites: 14, regions: 6, classes: 3, gpuTypes: 5, seed, loadFactor: 0.2, restrictedShare: 0 });
const SEEDS = [21, 22, 23];

/** Demand no site can reach stays unserved whatever the prices; only that kind is allowed where a relation needs it. */
function onlyUnreachableUnserved(plan: Awaited<ReturnType<typeof solvePlacement>>): boolean {
  return plan.unserved.every((u) => u.reason === 'NO_SITE_WITHIN_LATENCY' || u.reason === 'RESIDENCY');
}

function siteLoads(plan: Awaited<ReturnType<typeof solvePlacement>>): Record<string, number> {
  return Object.fromEntries(plan.sites.map((s) => [s.siteCode, s.servedTokensPerSecond]));
}

describe.each(SEEDS)('metamorphic relations (seed %i)', (seed) => {
  it('adding an unreachable site changes nothing', async () => {
    const input = instance(seed);
    const before = await solvePlacement(input, highs());
    const far = structuredClone(input);
    far.sites.push({ ...structuredClone(input.sites[0]!), code: 'ZZ-FAR', pricePerKwh: 0.001, pue: 1 });
    for (const region of far.regions) far.latencies.push({ siteCode: 'ZZ-FAR', regionCode: region.code, rttMs: 5000 });
    const after = await solvePlacement(far, highs());
    expect(after.totals!.costPerHour.total).toBe(before.totals!.costPerHour.total);
    expect(after.allocations).toEqual(before.allocations);
    expect(after.sites.find((s) => s.siteCode === 'ZZ-FAR')!.servedTokensPerSecond).toBe(0);
  });

  it('doubling every electricity price doubles the energy cost, not the allocation, when capex is sunk', async () => {
    const input = roomy(seed);
    const before = await solvePlacement(input, highs({ capexMode: 'SUNK' }));
    const doubled = structuredClone(input);
    for (const site of doubled.sites) {
      site.pricePerKwh *= 2;
      site.hourlyPricesPerKwh = site.hourlyPricesPerKwh.map((p) => p * 2);
    }
    const after = await solvePlacement(doubled, highs({ capexMode: 'SUNK' }));
    expect(onlyUnreachableUnserved(before)).toBe(true);
    expect(relativeGap(after.totals!.costPerHour.energy, 2 * before.totals!.costPerHour.energy)).toBeLessThanOrEqual(
      1e-9,
    );
    const loadsBefore = siteLoads(before);
    const loadsAfter = siteLoads(after);
    for (const code of Object.keys(loadsBefore)) expect(loadsAfter[code]).toBeCloseTo(loadsBefore[code]!, 3);
  });

  it('shuffling the input order gives the same plan', async () => {
    const input = instance(seed);
    const before = await solvePlacement(input, highs({ periods: 24 }));
    const random = seededRandom(seed);
    const shuffle = <T>(items: T[]): T[] => {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      }
      return copy;
    };
    const shuffled: PlanningInput = {
      workloadClasses: shuffle(input.workloadClasses),
      gpuTypes: shuffle(input.gpuTypes).map((g) => ({ ...g, throughputs: shuffle(g.throughputs) })),
      sites: shuffle(input.sites).map((s) => ({ ...s, inventory: shuffle(s.inventory) })),
      regions: shuffle(input.regions).map((r) => ({ ...r, demand: shuffle(r.demand) })),
      latencies: shuffle(input.latencies),
    };
    const after = await solvePlacement(shuffled, highs({ periods: 24 }));
    expect(after.totals!.costPerHour.total).toBe(before.totals!.costPerHour.total);
    expect(after.allocations).toEqual(before.allocations);
  });

  it('halving demand never raises the cost per million tokens under AMORTIZED', async () => {
    const input = roomy(seed);
    const full = await solvePlacement(input, highs({ capexMode: 'AMORTIZED' }));
    // The relation holds when all reachable demand is served (cost is then linear in the tokens served).
    expect(onlyUnreachableUnserved(full)).toBe(true);
    const half = structuredClone(input);
    for (const region of half.regions) for (const d of region.demand) d.tokensPerSecond *= 0.5;
    const halved = await solvePlacement(half, highs({ capexMode: 'AMORTIZED' }));
    expect(halved.totals!.costPerMillionTokens!).toBeLessThanOrEqual(full.totals!.costPerMillionTokens! * (1 + 1e-9));
  });

  it('removing the cheapest site never lowers the cost', async () => {
    const input = instance(seed, 1.1);
    const before = await solvePlacement(input, highs());
    const cheapest = [...input.sites].sort((a, b) => a.pricePerKwh * a.pue - b.pricePerKwh * b.pue)[0]!;
    const without = structuredClone(input);
    without.sites = without.sites.filter((s) => s.code !== cheapest.code);
    without.latencies = without.latencies.filter((l) => l.siteCode !== cheapest.code);
    const after = await solvePlacement(without, highs());
    expect(after.objectivePerHour!).toBeGreaterThanOrEqual(before.objectivePerHour! * (1 - 1e-9));
    // excluding it by option is the same plan
    const excluded = await solvePlacement(input, highs({ excludeSites: [cheapest.code] }));
    expect(relativeGap(excluded.objectivePerHour!, after.objectivePerHour!)).toBeLessThanOrEqual(1e-9);
  });

  it('scaling throughput and demand together leaves the GPUs and the cost of serving unchanged', async () => {
    const input = roomy(seed);
    const before = await solvePlacement(input, highs());
    expect(onlyUnreachableUnserved(before)).toBe(true);
    const scaled = structuredClone(input);
    for (const g of scaled.gpuTypes) for (const t of g.throughputs) t.tokensPerSecond *= 10;
    for (const region of scaled.regions) for (const d of region.demand) d.tokensPerSecond *= 10;
    const after = await solvePlacement(scaled, highs());
    const spent = (plan: typeof before) => plan.totals!.costPerHour.total;
    expect(relativeGap(spent(after), spent(before))).toBeLessThanOrEqual(1e-6);
    expect(relativeGap(after.totals!.gpusBusy, before.totals!.gpusBusy)).toBeLessThanOrEqual(1e-6);
    expect(
      relativeGap(after.totals!.unservedPenaltyPerHour, 10 * before.totals!.unservedPenaltyPerHour),
    ).toBeLessThanOrEqual(1e-6);
  });
});
