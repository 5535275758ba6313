// The naive placement LP, as published placement tools write it: one variable
// per (site, region, model × class, GPU type, period) — no separate routing and GPU-mix
// variables, no demand groups. Same costs and constraints as ours, so the same
// optimum; only bigger. Built for the benchmark's native baseline only.
import { MILLION_TOKENS_PER_KTOK_HOUR, TOKENS_PER_KTOK, crossesBorder } from '../../src/optimizer/costs.js';
import { LpModelBuilder, type LpModel } from '../../src/optimizer/lp-model.js';
import type { PreparedInput } from '../../src/optimizer/prepare.js';
import type { PlanOptions } from '../../src/optimizer/types.js';

export function compileNaiveModel(prepared: PreparedInput, options: PlanOptions): LpModel {
  if (options.integerGpus) throw new Error('the naive formulation is built for LPs only');
  const { sites, regions, gpus, classes } = prepared;
  const T = prepared.periods;
  const R = regions.length;
  const w = 1 / T;
  const b = new LpModelBuilder();

  const demandRow = new Map<string, number>();
  regions.forEach((region, r) =>
    region.demands.forEach((demand, d) => {
      for (let t = 0; t < T; t++) {
        const ktok = demand.tokensPerSecondByPeriod[t]! / TOKENS_PER_KTOK;
        if (ktok > 0) demandRow.set(`${r}:${d}:${t}`, b.addRow(ktok, ktok));
      }
    }),
  );
  const gpuRow = new Map<string, number>();
  const powerRow = new Map<string, number>();
  sites.forEach((site, s) => {
    for (let t = 0; t < T; t++) {
      powerRow.set(`${s}:${t}`, b.addRow(-Infinity, site.powerCapKw));
      site.pools.forEach((pool, p) => gpuRow.set(`${s}:${p}:${t}`, b.addRow(-Infinity, pool.installed)));
    }
  });

  const egress = options.egressPricePerMillionTokens * MILLION_TOKENS_PER_KTOK_HOUR * w;
  const penalty = options.unservedPenaltyPerMillionTokens * MILLION_TOKENS_PER_KTOK_HOUR * w;
  regions.forEach((region, r) =>
    region.demands.forEach((demand, d) => {
      const k = demand.classIndex;
      for (let t = 0; t < T; t++) {
        const row = demandRow.get(`${r}:${d}:${t}`);
        if (row === undefined) continue;
        const upper =
          options.maxSiteShare === null
            ? Infinity
            : (options.maxSiteShare * demand.tokensPerSecondByPeriod[t]!) / TOKENS_PER_KTOK;
        sites.forEach((site, s) => {
          const rtt = prepared.rttMs[s * R + r]!;
          if (demand.rttBudgetMs !== null && !(rtt <= demand.rttBudgetMs)) return;
          if (region.allowedCountries !== null && !region.allowedCountries.has(site.country)) return;
          if (!(site.powerCapKw > 0)) return;
          if (site.modelAllowed[classes[k]!.modelIndex] !== 1) return;
          site.pools.forEach((pool, p) => {
            const gpu = gpus[pool.gpuIndex]!;
            const thr = gpu.tokensPerSecondByClass[k]!;
            if (!(thr > 0)) return;
            const gpusPerKtok = TOKENS_PER_KTOK / thr;
            const facilityKw = gpusPerKtok * gpu.powerKw * site.pue;
            const cost =
              w *
                (facilityKw * site.pricePerKwhByPeriod[t]! +
                  facilityKw * site.carbonGramsPerKwh * 1e-6 * options.carbonPricePerTonne) +
              (options.capexMode === 'AMORTIZED'
                ? (w * gpusPerKtok * gpu.capexPerHour) / options.targetUtilization
                : 0) +
              (crossesBorder(site.country, region.country) ? egress : 0);
            b.addColumn(
              0,
              upper,
              cost,
              false,
              [row, gpuRow.get(`${s}:${p}:${t}`)!, powerRow.get(`${s}:${t}`)!],
              [1, gpusPerKtok / options.targetUtilization, facilityKw],
            );
          });
        });
        b.addColumn(0, Infinity, penalty, false, [row], [1]);
      }
    }),
  );
  // Expansion: bought GPUs, shared across periods.
  if (options.allowExpansion) {
    sites.forEach((site, s) =>
      site.pools.forEach((pool, p) => {
        if (pool.buyable <= 0) return;
        const rows: number[] = [];
        for (let t = 0; t < T; t++) rows.push(gpuRow.get(`${s}:${p}:${t}`)!);
        b.addColumn(
          0,
          pool.buyable,
          options.capexMode === 'SUNK' ? gpus[pool.gpuIndex]!.capexPerHour : 0,
          false,
          rows,
          rows.map(() => -1),
        );
      }),
    );
  }
  return b.build(
    (j) => `x${j}`,
    (i) => `r${i}`,
  );
}
