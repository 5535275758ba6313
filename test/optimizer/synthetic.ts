// Seeded synthetic planning inputs: sites and regions scattered over the globe,
// RTT from great-circle distance, ten GPU types with class-dependent
// throughput, demand set to a share of the fleet's capacity. Used by the
// solver benchmark and by the optimizer's random property tests.
import type { PlanningInput, PlanningSite } from '../../src/optimizer/types.js';

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

  const gpuTypes = Array.from({ length: gpuTypeCount }, (_, g) => {
    const generation = between(0.5, 2.5);
    return {
      code: `GPU${String(g).padStart(2, '0')}`,
      powerKw: Number((0.6 + 0.6 * generation * between(0.8, 1.2)).toFixed(3)),
      capexPerHour: Number((0.6 * generation ** 1.3 * between(0.8, 1.25)).toFixed(3)),
      throughputs: classes
        .filter((_, k) => k === 1 || random() > 0.1)
        .map((c) => ({
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
      demand: classes.map((c) => ({
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

  return {
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
}
