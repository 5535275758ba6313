// Seeded synthetic planning inputs: sites and regions scattered over the globe,
// RTT from great-circle distance, ten GPU types with class-dependent
// throughput, demand set to a share of the fleet's capacity, and optionally up
// to five models of different sizes. Used by the solver benchmark and by the
// optimizer's random property tests.
import type { PlanningDemand, PlanningGpuThroughput, PlanningInput, PlanningSite } from '../../src/optimizer/types.js';

export interface SyntheticSpec {
  sites: number;
  regions: number;
  /** at most 4 */
  classes?: number;
  gpuTypes?: number;
  seed: number;
  /** demand as a share of the fleet's standard-class capacity */
  loadFactor?: number;
  /** share of regions with residency rules */
  restrictedShare?: number;
  /** chance that a site may buy more GPUs */
  expandableShare?: number;
  /**
   * Models (at most 5, MODEL_DEFS in order); absent = none named: every
   * throughput and demand belongs to the DEFAULT model, as before models existed.
   * Their figures come from a random stream of their own, so the rest of the
   * instance is the one the same spec without models gives.
   */
  models?: number;
}

/** mulberry32: small, fast, good enough for test data */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CLASS_DEFS = [
  { code: 'INTERACTIVE', rttBudgetMs: 60, speed: 0.35, share: 0.3, peakHour: 14 },
  { code: 'STANDARD', rttBudgetMs: 150, speed: 0.6, share: 0.4, peakHour: 13 },
  { code: 'AGENT', rttBudgetMs: 250, speed: 0.8, share: 0.2, peakHour: 11 },
  { code: 'BATCH', rttBudgetMs: null, speed: 1, share: 0.1, peakHour: 3 },
] as const;

const COUNTRIES = [
  'US',
  'CA',
  'BR',
  'GB',
  'DE',
  'FR',
  'NL',
  'SE',
  'IN',
  'SG',
  'JP',
  'KR',
  'AU',
  'ZA',
  'AE',
  'MX',
  'CL',
  'NO',
  'FI',
  'ID',
];

/**
 * Five models from small to large. `speed`: tokens/s per GPU relative to the
 * GPU type's own figure (the first model's is that figure exactly: one model
 * plans what no model plans); the 405B-like model makes ~80× fewer tokens per
 * GPU than the 8B-like one, as MLPerf's per-GPU results do (8B ~8,300, 405B ~70
 * tokens/s on an H200). `minGeneration`: GPU types of an older generation (less
 * memory) cannot hold the model's replica, so the pair has no throughput.
 * `gpuShare`: the share of the fleet's GPU-hours its demand needs.
 */
export const MODEL_DEFS = [
  { code: 'DENSE-8B', gpusPerReplica: 1, speed: 1, minGeneration: 0, gpuShare: 0.3 },
  { code: 'MOE-47B', gpusPerReplica: 1, speed: 0.6, minGeneration: 0.8, gpuShare: 0.25 },
  { code: 'DENSE-70B', gpusPerReplica: 2, speed: 0.4, minGeneration: 0.7, gpuShare: 0.2 },
  { code: 'MOE-671B', gpusPerReplica: 4, speed: 0.1, minGeneration: 1.4, gpuShare: 0.15 },
  { code: 'DENSE-405B', gpusPerReplica: 8, speed: 0.012, minGeneration: 1.1, gpuShare: 0.1 },
] as const;

function greatCircleKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function syntheticInput(spec: SyntheticSpec): PlanningInput {
  const random = seededRandom(spec.seed);
  const between = (lo: number, hi: number): number => lo + (hi - lo) * random();
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const classCount = Math.min(4, spec.classes ?? 4);
  const classes = CLASS_DEFS.slice(0, classCount);
  const gpuTypeCount = spec.gpuTypes ?? 10;
  const loadFactor = spec.loadFactor ?? 0.7;

  const profile = (peakHour: number): number[] => {
    const raw = Array.from({ length: 24 }, (_, h) => 1 + 0.5 * Math.cos(((h - peakHour) / 24) * 2 * Math.PI));
    const mean = raw.reduce((a, b) => a + b, 0) / 24;
    return raw.map((v) => Number((v / mean).toFixed(4)));
  };

  const generations: number[] = [];
  const gpuTypes = Array.from({ length: gpuTypeCount }, (_, g) => {
    const generation = between(0.5, 2.5);
    generations.push(generation);
    return {
      code: `GPU${String(g).padStart(2, '0')}`,
      powerKw: Number((0.6 + 0.6 * generation * between(0.8, 1.2)).toFixed(3)),
      capexPerHour: Number((0.6 * generation ** 1.3 * between(0.8, 1.25)).toFixed(3)),
      throughputs: classes
        .filter((_, k) => k === 1 || random() > 0.1)
        .map((c): PlanningGpuThroughput => ({
          workloadClassCode: c.code,
          tokensPerSecond: Math.round(1500 * generation * c.speed * between(0.85, 1.15)),
        })),
    };
  });
  const standardSpeed = new Map(
    gpuTypes.map((g) => [g.code, g.throughputs.find((t) => t.workloadClassCode === 'STANDARD')!.tokensPerSecond]),
  );
  const gpuPower = new Map(gpuTypes.map((g) => [g.code, g.powerKw]));

  const place = () => {
    const lat = Math.asin(between(-0.8, 0.95)) * (180 / Math.PI);
    const lon = between(-180, 180);
    return { lat, lon, country: COUNTRIES[Math.floor(((lon + 180) / 360) * COUNTRIES.length) % COUNTRIES.length]! };
  };

  let fleetTokensPerSecond = 0;
  const sitePlaces = Array.from({ length: spec.sites }, place);
  const sites: PlanningSite[] = sitePlaces.map((p, s) => {
    const price = between(0.03, 0.2);
    const pue = between(1.05, 1.5);
    const types = [...gpuTypes].sort(() => random() - 0.5).slice(0, 2 + Math.floor(random() * 3));
    let fleetKw = 0;
    const expandable = random() < (spec.expandableShare ?? 0.3);
    const inventory = types.map((g) => {
      const installed = Math.round(between(20, 400));
      fleetKw += installed * gpuPower.get(g.code)! * pue;
      fleetTokensPerSecond += installed * standardSpeed.get(g.code)! * 0.8;
      return { gpuTypeCode: g.code, installed, maxAdditional: expandable ? Math.round(between(0, 200)) : 0 };
    });
    const utcOffsetHours = Math.round(p.lon / 15);
    return {
      code: `S${String(s).padStart(4, '0')}`,
      country: p.country,
      status: 'ACTIVE' as const,
      pue: Number(pue.toFixed(3)),
      powerCapKw: Math.round(fleetKw * between(0.7, 1.3)),
      pricePerKwh: Number(price.toFixed(4)),
      hourlyPricesPerKwh: Array.from({ length: 24 }, (_, h) =>
        Number((price * (1 + 0.3 * Math.sin(((h - 6) / 24) * 2 * Math.PI))).toFixed(4)),
      ),
      utcOffsetHours,
      carbonGramsPerKwh: Math.round(between(20, 700)),
      inventory,
    };
  });

  const regionPlaces = Array.from({ length: spec.regions }, place);
  const weights = regionPlaces.map(() => between(0.2, 1));
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const totalDemand = fleetTokensPerSecond * loadFactor;
  const regions = regionPlaces.map((p, r) => {
    const restricted = random() < (spec.restrictedShare ?? 0.15);
    return {
      code: `R${String(r).padStart(4, '0')}`,
      country: p.country,
      utcOffsetHours: Math.round(p.lon / 15),
      allowedCountries: restricted ? [p.country, pick(COUNTRIES)] : [],
      demand: classes.map((c): PlanningDemand => ({
        workloadClassCode: c.code,
        tokensPerSecond: Math.round(
          (totalDemand * (weights[r]! / weightSum) * c.share) / classes.reduce((a, x) => a + x.share, 0),
        ),
        rttBudgetMs: null,
      })),
    };
  });

  const latencies = [];
  for (let s = 0; s < sites.length; s++) {
    for (let r = 0; r < regions.length; r++) {
      const km = greatCircleKm(sitePlaces[s]!.lat, sitePlaces[s]!.lon, regionPlaces[r]!.lat, regionPlaces[r]!.lon);
      // Fibre at ~200 km/ms, routes ~1.5× the great circle, both ways, plus 2 ms.
      latencies.push({
        siteCode: sites[s]!.code,
        regionCode: regions[r]!.code,
        rttMs: Number((2 + (2 * 1.5 * km) / 200).toFixed(2)),
      });
    }
  }

  const base: PlanningInput = {
    workloadClasses: classes.map((c) => ({
      code: c.code,
      rttBudgetMs: c.rttBudgetMs,
      hourlyDemandProfile: profile(c.peakHour),
    })),
    gpuTypes,
    sites,
    regions,
    latencies,
  };
  return spec.models === undefined ? base : withModels(base, spec, generations);
}

/**
 * The instance's throughputs and demand split over `spec.models` models: each
 * GPU type that can hold a model runs it at the type's figure × the model's
 * speed (× 0.85–1.15 beyond the first model), and each region's demand of a class
 * is spread over the models by their GPU share (× 0.6–1.4 by region beyond the first
 * model) in the model's own tokens. Every model fits at least the newest GPU type.
 */
function withModels(base: PlanningInput, spec: SyntheticSpec, generations: number[]): PlanningInput {
  const count = spec.models!;
  if (!Number.isInteger(count) || count < 1 || count > MODEL_DEFS.length)
    throw new Error(`models must be an integer from 1 to ${MODEL_DEFS.length}, got ${count}`);
  const random = seededRandom(spec.seed ^ 0x5eed_0d15);
  const between = (lo: number, hi: number): number => lo + (hi - lo) * random();
  const models = MODEL_DEFS.slice(0, count);
  const newest = generations.indexOf(Math.max(...generations));
  const gpuTypes = base.gpuTypes.map((gpu, g) => ({
    ...gpu,
    throughputs: models.flatMap((model, m) => {
      if (generations[g]! < model.minGeneration && g !== newest) return [];
      const jitter = m === 0 ? 1 : between(0.85, 1.15);
      return gpu.throughputs.map((t): PlanningGpuThroughput => ({
        modelCode: model.code,
        workloadClassCode: t.workloadClassCode,
        tokensPerSecond: Math.max(1, Math.round(t.tokensPerSecond * model.speed * jitter)),
        gpusPerReplica: model.gpusPerReplica,
      }));
    }),
  }));
  const shareSum = models.reduce((a, m) => a + m.gpuShare, 0);
  const regions = base.regions.map((region) => {
    const mix = models.map((_, m) => (m === 0 ? 1 : between(0.6, 1.4)));
    return {
      ...region,
      demand: models.flatMap((model, m) =>
        region.demand.map((d): PlanningDemand => ({
          ...d,
          modelCode: model.code,
          tokensPerSecond: Math.round(((d.tokensPerSecond * model.gpuShare) / shareSum) * model.speed * mix[m]!),
        })),
      ),
    };
  });
  return { ...base, models: models.map((m) => ({ code: m.code })), gpuTypes, regions };
}
