// The reach rule, the one place it is written: a site may serve a region's
// demand of a class when the round trip fits the budget (the region's override,
// else the class default; none = no limit) and the region's residency rule
// allows the site's country. The optimizer prunes routes with it; the API's
// reach fields (domain/reach.ts) answer with it.

/** the countries allowed to serve a region; null = anywhere */
export type AllowedCountries = ReadonlySet<string> | null;

/** An empty list in the data means "anywhere". */
export function allowedCountriesOf(countries: readonly string[]): AllowedCountries {
  return countries.length > 0 ? new Set(countries) : null;
}

/** The budget that applies to a region's demand: its override, else the class default (null = no limit). */
export function effectiveRttBudgetMs(
  overrideMs: number | null | undefined,
  classBudgetMs: number | null,
): number | null {
  return overrideMs ?? classBudgetMs;
}

/** Without a budget any site will do; with one, an unknown round trip (NaN) counts as too far. */
export function withinRttBudget(rttMs: number, rttBudgetMs: number | null): boolean {
  return rttBudgetMs === null || (!Number.isNaN(rttMs) && rttMs <= rttBudgetMs);
}

export function residencyAllows(siteCountry: string, allowedCountries: AllowedCountries): boolean {
  return allowedCountries === null || allowedCountries.has(siteCountry);
}

/** Why a site may or may not serve a region: latency is checked first, residency second. */
export type Reach = 'REACHABLE' | 'BEYOND_RTT_BUDGET' | 'RESIDENCY';

export function reach(
  siteCountry: string,
  rttMs: number,
  rttBudgetMs: number | null,
  allowedCountries: AllowedCountries,
): Reach {
  if (!withinRttBudget(rttMs, rttBudgetMs)) return 'BEYOND_RTT_BUDGET';
  return residencyAllows(siteCountry, allowedCountries) ? 'REACHABLE' : 'RESIDENCY';
}
