// A plan sweep: one plan per value of a parameter (a price multiplier, a
// demand growth, a latency budget), each an ordinary plan whose snapshot is the
// current data, the named scenario, then the parameter's value applied as a
// generated scenario override. Every point is prepared and checked before any
// is stored, so a bad value or scope leaves nothing behind.
import type { Database } from '../db/database.js';
import { planningInputFromDatabase } from '../db/planning-input.js';
import { isFinal, type NewPlan } from '../db/plan-store.js';
import { ValidationError, type ValidationIssue } from '../errors.js';
import type { PlanStatus } from '../generated/prisma/client.js';
import type { PlanningInput } from '../optimizer/types.js';
import { applyScenario, ScenarioError } from '../scenarios/apply.js';
import type { ScenarioOverrides } from '../scenarios/overrides.js';
import { preparePlanFrom, scenarioForRequest, type PreparedPlan, type PrepareOptions } from './request.js';

export const SWEEP_PARAMETERS = ['PRICE_MULTIPLIER', 'DEMAND_GROWTH', 'LATENCY_BUDGET_MS'] as const;
export type SweepParameter = (typeof SWEEP_PARAMETERS)[number];

/** A curve needs two points; fifty plans is as many as one request may queue. */
export const MIN_SWEEP_VALUES = 2;
export const MAX_SWEEP_VALUES = 50;

/** What the parameter applies to; each parameter takes only some of these (SCOPE_FIELDS). */
export interface SweepScope {
  siteCode?: string | null;
  country?: string | null;
  regionCode?: string | null;
  regionCountries?: string[] | null;
  workloadClassCode?: string | null;
  modelCode?: string | null;
}

type ScopeField = keyof SweepScope;

interface ParameterRule {
  /** the scope fields it takes */
  scope: readonly ScopeField[];
  min: number;
  max: number;
  unit: string;
  /** "electricity price ×1.2 for all sites" */
  words: (value: number, scope: SweepScope) => string;
  /** the generated override for one value */
  overrides: (value: number, scope: SweepScope, data: PlanningInput) => ScenarioOverrides;
}

const sitesWords = (scope: SweepScope) =>
  scope.siteCode ? `site ${scope.siteCode}` : scope.country ? `sites in ${scope.country}` : 'all sites';

const regionWords = (scope: SweepScope) =>
  scope.regionCode
    ? `region ${scope.regionCode}`
    : scope.regionCountries
      ? `regions in ${scope.regionCountries.join(', ')}`
      : 'every region';

const defined = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined && inner !== null)) as T;

export const PARAMETER_RULES: Record<SweepParameter, ParameterRule> = {
  PRICE_MULTIPLIER: {
    scope: ['siteCode', 'country'],
    min: 0,
    max: 100,
    unit: '×',
    words: (value, scope) => `electricity price ×${value} for ${sitesWords(scope)}`,
    overrides: (multiplier, scope) => ({
      priceMultipliers: [
        scope.siteCode
          ? { scope: 'SITE', code: scope.siteCode, multiplier }
          : scope.country
            ? { scope: 'COUNTRY', code: scope.country, multiplier }
            : { scope: 'ALL', multiplier },
      ],
    }),
  },
  DEMAND_GROWTH: {
    scope: ['regionCode', 'regionCountries', 'workloadClassCode', 'modelCode'],
    min: 0,
    max: 100,
    unit: '×',
    words: (value, scope) =>
      `${scope.modelCode ? `${scope.modelCode} ` : ''}demand ×${value} for ${scope.workloadClassCode ?? 'every class'} in ${regionWords(scope)}`,
    overrides: (multiplier, scope) => ({
      demandGrowth: [
        defined({
          regionCode: scope.regionCode ?? undefined,
          regionCountries: scope.regionCountries ?? undefined,
          workloadClassCode: scope.workloadClassCode ?? undefined,
          modelCode: scope.modelCode ?? undefined,
          multiplier,
        }),
      ],
    }),
  },
  LATENCY_BUDGET_MS: {
    scope: ['regionCode', 'workloadClassCode'],
    min: 0,
    max: 2000,
    unit: 'ms',
    words: (value, scope) =>
      `RTT budget of ${scope.workloadClassCode ?? 'every class'} in ${regionWords(scope)} set to ${value} ms`,
    // without a class: every class the region asks for (every class at all without a region)
    overrides: (budgetMs, scope, data) => {
      const classes = scope.workloadClassCode
        ? [scope.workloadClassCode]
        : data.workloadClasses
            .map((c) => c.code)
            .filter(
              (code) =>
                !scope.regionCode ||
                data.regions.some(
                  (r) => r.code === scope.regionCode && r.demand.some((d) => d.workloadClassCode === code),
                ),
            );
      return {
        rttBudgetChanges: classes.map((workloadClassCode) =>
          defined({ workloadClassCode, regionCode: scope.regionCode ?? undefined, budgetMs }),
        ),
      };
    },
  },
};

export interface SweepRequest {
  name: string | null;
  parameter: SweepParameter;
  values: number[];
  scope: SweepScope;
  scenarioCode?: string | null;
  /** the options given, as for a plan (omitted fields absent) */
  options?: Record<string, unknown>;
}

export interface PreparedSweep {
  request: SweepRequest;
  /** one per value, in the order of the values */
  points: PreparedPlan[];
}

/** The one-line problems of the values and the scope, before any data is read. */
function shapeIssues(request: SweepRequest): ValidationIssue[] {
  const rule = PARAMETER_RULES[request.parameter];
  const issues: ValidationIssue[] = [];
  const { values } = request;
  if (values.length < MIN_SWEEP_VALUES || values.length > MAX_SWEEP_VALUES) {
    issues.push({
      path: 'input.values',
      message: `must hold ${MIN_SWEEP_VALUES} to ${MAX_SWEEP_VALUES} values (got ${values.length})`,
    });
  }
  values.forEach((value, i) => {
    const path = `input.values[${i}]`;
    if (!Number.isFinite(value)) issues.push({ path, message: 'must be a finite number' });
    else if (value < rule.min || value > rule.max)
      issues.push({
        path,
        message: `must be between ${rule.min} and ${rule.max} for ${request.parameter} (got ${value})`,
      });
    else if (values.indexOf(value) < i)
      issues.push({ path, message: `${value} is already values[${values.indexOf(value)}]` });
  });
  for (const [field, value] of Object.entries(request.scope) as [ScopeField, unknown][]) {
    if (value === null || value === undefined) continue;
    if (!rule.scope.includes(field))
      issues.push({
        path: `input.scope.${field}`,
        message: `does not apply to ${request.parameter} (it takes ${rule.scope.join(', ')})`,
      });
  }
  if (request.scope.siteCode != null && request.scope.country != null)
    issues.push({ path: 'input.scope.country', message: 'give at most one of siteCode or country' });
  if (request.scope.regionCode != null && request.scope.regionCountries != null)
    issues.push({ path: 'input.scope.regionCountries', message: 'give at most one of regionCode or regionCountries' });
  return issues;
}

/** The scope's codes against the data: each must name something that exists. */
function scopeIssues(scope: SweepScope, data: PlanningInput): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const check = (field: ScopeField, code: string | null | undefined, known: Iterable<string>, what: string) => {
    if (code != null && !new Set(known).has(code))
      issues.push({ path: `input.scope.${field}`, message: `no ${what} ${code}` });
  };
  check(
    'siteCode',
    scope.siteCode,
    data.sites.map((s) => s.code),
    'site',
  );
  check(
    'country',
    scope.country,
    data.sites.map((s) => s.country),
    'site in country',
  );
  check(
    'regionCode',
    scope.regionCode,
    data.regions.map((r) => r.code),
    'region',
  );
  (scope.regionCountries ?? []).forEach((country, i) => {
    if (!data.regions.some((r) => r.country === country))
      issues.push({ path: `input.scope.regionCountries[${i}]`, message: `no region in country ${country}` });
  });
  check(
    'workloadClassCode',
    scope.workloadClassCode,
    data.workloadClasses.map((c) => c.code),
    'workload class',
  );
  check(
    'modelCode',
    scope.modelCode,
    (data.models ?? []).map((m) => m.code),
    'model',
  );
  return issues;
}

/**
 * Every point of the sweep, prepared and checked (options, scenario, scope,
 * plannability and the solver caps of each) — or a ValidationError naming the
 * field, and nothing to store.
 */
export async function prepareSweep(
  db: Database,
  request: SweepRequest,
  options: PrepareOptions = {},
): Promise<PreparedSweep> {
  const shape = shapeIssues(request);
  if (shape.length > 0) throw new ValidationError(shape);
  const current = await planningInputFromDatabase(db);
  const scenario = request.scenarioCode == null ? null : await scenarioForRequest(db, request.scenarioCode, current);
  const base = scenario?.snapshot ?? current;
  const scope = scopeIssues(request.scope, base);
  if (scope.length > 0) throw new ValidationError(scope);
  const rule = PARAMETER_RULES[request.parameter];
  const points = request.values.map((value, i) =>
    preparePlanFrom(current, scenario, request, options, {
      words: `with ${rule.words(value, request.scope)}`,
      path: `input.values[${i}]`,
      apply: (snapshot) => {
        try {
          return applyScenario(snapshot, rule.overrides(value, request.scope, snapshot));
        } catch (error) {
          if (!(error instanceof ScenarioError)) throw error;
          // the generated override names the scope's codes: a problem with it is the scope's
          throw new ValidationError(error.issues.map((issue) => ({ path: 'input.scope', message: issue.message })));
        }
      },
    }),
  );
  return { request, points };
}

/** The plans to store for a prepared sweep, once its row exists. */
export function sweepPlans(sweep: PreparedSweep, sweepId: string, requestedByKeyId: string | null): NewPlan[] {
  const { name, parameter, values } = sweep.request;
  return sweep.points.map((point, index) => ({
    ...point,
    name: `${name ?? 'sweep'}: ${parameter} ${values[index]}`,
    requestedByKeyId,
    sweep: { id: sweepId, value: sweep.request.values[index]!, index },
  }));
}

/** A sweep's status from its points': QUEUED until one starts, FINISHED once every point is final. */
export type SweepStatus = 'QUEUED' | 'RUNNING' | 'FINISHED';

export function sweepStatus(pointStatuses: readonly PlanStatus[]): SweepStatus {
  if (pointStatuses.every(isFinal)) return 'FINISHED';
  if (pointStatuses.every((status) => status === 'QUEUED')) return 'QUEUED';
  return 'RUNNING';
}
