import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFixtures, type ParsedDataset } from '../../src/dataset/load.js';
import { FIXTURES_DIR, ONE_MODEL_FIXTURES_DIR } from '../../src/paths.js';
import { effectivePue } from '../../src/domain/cooling.js';
import { fleetTotals, siteInstalledCapacity } from '../../src/domain/economics.js';

const TOKENS_PER_WEEK = 20.4e12;
const SECONDS_PER_WEEK = 604_800;
const CHINA_MARKET_GPUS = new Set(['H20', 'ASCEND-910B', 'ASCEND-910C']);

// The figures below are those of the fleet, sites and regions (the same files in both data sets) and of
// the data set without models, in Llama-2-70B-equivalent tokens; the seven-model files are checked at the end.
let parsed: ParsedDataset;
let seven: ParsedDataset;
beforeAll(async () => {
  parsed = await loadFixtures(ONE_MODEL_FIXTURES_DIR);
  seven = await loadFixtures();
});

describe('bundled fixtures with seven models (what a first start loads)', () => {
  it('parse with zero issues: 7 models, 288 throughputs, 560 demand rows, the same fleet as one-model/', () => {
    expect(seven.issues).toEqual([]);
    const d = seven.dataset;
    expect(d.models?.map((m) => m.code)).toEqual([
      'LLAMA-3.1-8B',
      'LLAMA-2-70B',
      'LLAMA-3.1-405B',
      'MIXTRAL-8X7B',
      'DEEPSEEK-R1',
      'GPT-OSS-120B',
      'QWEN3-235B-A22B',
    ]);
    expect(d.gpuTypes.flatMap((g) => g.throughputs)).toHaveLength(288);
    expect(d.demandRegions.flatMap((r) => r.demand)).toHaveLength(560);
    expect(JSON.stringify(d.sites)).toBe(JSON.stringify(parsed.dataset.sites));
    expect(JSON.stringify(d.latencies)).toBe(JSON.stringify(parsed.dataset.latencies));
  });

  it('hold no DeepSeek-R1 throughput on a GPU type that cannot hold its 685 GB of weights', () => {
    const holds = seven.dataset.gpuTypes
      .filter((g) => g.throughputs.some((t) => t.modelCode === 'DEEPSEEK-R1'))
      .map((g) => g.code);
    expect(holds).not.toContain('H100-SXM');
    expect(holds).not.toContain('L40S');
    expect(holds).toContain('H200-SXM');
  });

  it('ask for 0.8 × the tokens of the data set without models, region × class by region × class', () => {
    const total = (d: ParsedDataset) =>
      d.dataset.demandRegions.flatMap((r) => r.demand).reduce((sum, x) => sum + x.tokensPerSecond, 0);
    expect(total(seven)).toBeCloseTo(0.8 * total(parsed), 0);
  });
});

describe('bundled fixtures', () => {
  it('parse with zero issues', () => {
    expect(parsed.issues).toEqual([]);
  });

  it('hold 36 sites, 11 GPU types, 20 regions, 720 latencies and 4 workload classes', () => {
    const d = parsed.dataset;
    expect(d.sites).toHaveLength(36);
    expect(d.gpuTypes).toHaveLength(11);
    expect(d.demandRegions).toHaveLength(20);
    expect(d.latencies).toHaveLength(720);
    expect(d.workloadClasses.map((c) => c.code)).toEqual(['INTERACTIVE', 'STANDARD', 'AGENT', 'BATCH']);
  });

  it('nest every child row in its parent (none left detached)', () => {
    const d = parsed.dataset;
    expect(d.gpuTypes.every((g) => g.throughputs.length === 4)).toBe(true);
    expect(d.demandRegions.every((r) => r.demand.length === 4)).toBe(true);
    expect(d.sites.reduce((n, s) => n + s.inventory.length, 0)).toBe(88);
    expect(d.gpuThroughputs).toEqual([]);
    expect(d.siteInventory).toEqual([]);
    expect(d.demands).toEqual([]);
  });

  it('cover every site × region pair once', () => {
    const pairs = new Set(parsed.dataset.latencies.map((l) => `${l.siteCode}/${l.regionCode}`));
    expect(pairs.size).toBe(36 * 20);
  });

  it('total 20.4 trillion tokens/week of demand (33.73 M tokens/s ±0.1 %) split 30/25/35/10', () => {
    const demand = parsed.dataset.demandRegions.flatMap((r) => r.demand);
    const total = demand.reduce((sum, d) => sum + d.tokensPerSecond, 0);
    expect(total).toBeGreaterThan(33.73e6 * 0.999);
    expect(total).toBeLessThan(33.73e6 * 1.001);
    expect(total).toBeCloseTo(TOKENS_PER_WEEK / SECONDS_PER_WEEK, -1);
    const byClass = (code: string) =>
      demand.filter((d) => d.workloadClassCode === code).reduce((s, d) => s + d.tokensPerSecond, 0) / total;
    expect(byClass('INTERACTIVE')).toBeCloseTo(0.3, 6);
    expect(byClass('STANDARD')).toBeCloseTo(0.25, 6);
    expect(byClass('AGENT')).toBeCloseTo(0.35, 6);
    expect(byClass('BATCH')).toBeCloseTo(0.1, 6);
  });

  it('size the installed fleet so demand is 55–75 % of class-mix capacity', () => {
    const totals = fleetTotals(parsed.dataset);
    expect(totals.missingThroughput).toEqual([]);
    expect(totals.utilization).toBeGreaterThan(0.55);
    expect(totals.utilization).toBeLessThan(0.75);
  });

  it('keep every site’s installed facility power under its power cap', () => {
    const { sites, gpuTypes } = parsed.dataset;
    for (const site of sites) {
      const c = siteInstalledCapacity(site, gpuTypes, 'STANDARD');
      expect(c.facilityKw, site.code).toBeLessThan(site.powerCapKw);
    }
  });

  it('put only China-market GPUs in Chinese sites and none elsewhere', () => {
    for (const site of parsed.dataset.sites) {
      for (const row of site.inventory) {
        expect(CHINA_MARKET_GPUS.has(row.gpuTypeCode), `${site.code} ${row.gpuTypeCode}`).toBe(site.country === 'CN');
      }
    }
  });

  it('serve CHINA-* regions from CN only and never serve other regions from CN', () => {
    for (const region of parsed.dataset.demandRegions) {
      if (region.code.startsWith('CHINA-')) expect(region.allowedCountries).toEqual(['CN']);
      else expect(region.allowedCountries).not.toContain('CN');
      expect(region.allowedCountries.length).toBeGreaterThan(0);
    }
  });

  it('keep hourly price means equal to the flat price and demand profile means at 1', () => {
    const withHourly = parsed.dataset.sites.filter((s) => s.hourlyPricesPerKwh.length > 0);
    expect(withHourly.length).toBeGreaterThanOrEqual(3);
    for (const site of withHourly) {
      const mean = site.hourlyPricesPerKwh.reduce((a, b) => a + b, 0) / 24;
      expect(Math.abs(mean - site.pricePerKwh), site.code).toBeLessThan(1e-9);
    }
    for (const c of parsed.dataset.workloadClasses) {
      expect(c.hourlyDemandProfile).toHaveLength(24);
      const mean = c.hourlyDemandProfile.reduce((a, b) => a + b, 0) / 24;
      expect(Math.abs(mean - 1), c.code).toBeLessThan(1e-9);
    }
  });

  it('give throughputs that fall as the token-latency target tightens', () => {
    for (const gpu of parsed.dataset.gpuTypes) {
      const t = Object.fromEntries(gpu.throughputs.map((x) => [x.workloadClassCode, x.tokensPerSecond]));
      expect(t.BATCH, gpu.code).toBe(gpu.referenceTokensPerSecond);
      expect(t.INTERACTIVE, gpu.code).toBeLessThan(t.STANDARD as number);
      expect(t.STANDARD, gpu.code).toBeLessThanOrEqual(t.BATCH as number);
      expect(t.AGENT, gpu.code).toBeLessThanOrEqual(t.STANDARD as number);
    }
  });

  it('give every site a PUE and a power cap basis', () => {
    for (const site of parsed.dataset.sites) {
      expect(effectivePue(site)).toBeGreaterThanOrEqual(1);
      expect(site.pue).not.toBeNull();
      expect(site.powerCapBasis).toMatch(/ASSUMPTION/);
    }
  });

  it('ship SOURCES.md and a README beside the data', () => {
    expect(readFileSync(join(FIXTURES_DIR, 'SOURCES.md'), 'utf8')).toMatch(/Sources, assumptions and method/);
    expect(readFileSync(join(FIXTURES_DIR, 'README.md'), 'utf8')).toMatch(/utilisation/i);
  });
});
