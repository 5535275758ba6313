// What a scenario may change on top of the current data, as a zod schema: every
// field optional, every message names its field. References to sites, regions,
// classes, GPU types and models are checked against the data when the scenario
// is applied (src/scenarios/apply.ts), not here.
import { z } from 'zod';
import { isIsoCountryCode } from '../dataset/countries.js';
import { planOptionsSchema } from '../optimizer/types.js';

const finite = (field: string) =>
  z.number({ error: `${field} must be a number` }).refine(Number.isFinite, { error: `${field} must be finite` });

const code = (field: string) =>
  z
    .string({ error: `${field} must be a code` })
    .min(1, { error: `${field} must not be empty` })
    .max(200);

export const SITE_SCOPES = ['ALL', 'COUNTRY', 'SITE'] as const;
const priceScope = z.enum(SITE_SCOPES, { error: 'scope must be ALL, COUNTRY or SITE' });

const country = (field: string) =>
  z
    .string({ error: `${field} must be a country code` })
    .refine(isIsoCountryCode, { error: `${field} must be an ISO 3166-1 alpha-2 country code` });

/** ALL takes no code; COUNTRY and SITE need one. */
function scopedCode<T extends { scope: string; code?: string | undefined }>(value: T, ctx: z.RefinementCtx): void {
  if (value.scope === 'ALL' && value.code !== undefined)
    ctx.addIssue({ code: 'custom', path: ['code'], message: 'code must be left out for scope ALL' });
  if (value.scope !== 'ALL' && value.code === undefined)
    ctx.addIssue({ code: 'custom', path: ['code'], message: `code is required for scope ${value.scope}` });
}

const priceMultiplier = z
  .object({
    scope: priceScope,
    code: code('code').optional(),
    multiplier: finite('multiplier').refine((v) => v >= 0 && v <= 100, { error: 'multiplier must be in [0, 100]' }),
  })
  .strict()
  .superRefine(scopedCode);

const absolutePrice = z
  .object({
    scope: priceScope,
    code: code('code').optional(),
    pricePerKwh: finite('pricePerKwh').refine((v) => v >= 0 && v <= 2, {
      error: 'pricePerKwh must be between 0 and 2 USD/kWh',
    }),
  })
  .strict()
  .superRefine(scopedCode);

const countries = (field: string) =>
  z
    .array(country(field), { error: `${field} must be a list` })
    .min(1, { error: `${field} must not be empty` })
    .max(300);

const demandGrowth = z
  .object({
    /** left out (and no regionCountries): every region */
    regionCode: code('regionCode').optional(),
    /** or every region located in one of these countries ("in Europe") */
    regionCountries: countries('regionCountries').optional(),
    /** left out: every model */
    modelCode: code('modelCode').optional(),
    /** left out: every class */
    workloadClassCode: code('workloadClassCode').optional(),
    multiplier: finite('multiplier').refine((v) => v >= 0 && v <= 100, { error: 'multiplier must be in [0, 100]' }),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.regionCode !== undefined && value.regionCountries !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['regionCountries'],
        message: 'give at most one of regionCode or regionCountries',
      });
    }
  });

const unavailableModel = z
  .object({
    modelCode: code('modelCode'),
    /** its demand moves onto this model's; left out: its demand stays and goes unserved (MODEL_UNAVAILABLE) */
    substituteModelCode: code('substituteModelCode').optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.substituteModelCode === value.modelCode) {
      ctx.addIssue({
        code: 'custom',
        path: ['substituteModelCode'],
        message: 'substituteModelCode must be another model than modelCode',
      });
    }
  });

const rttBudgetChange = z
  .object({
    workloadClassCode: code('workloadClassCode'),
    /** left out: the class's budget in every region */
    regionCode: code('regionCode').optional(),
    /** the new budget */
    budgetMs: finite('budgetMs')
      .refine((v) => v >= 0 && v <= 2000, { error: 'budgetMs must be between 0 and 2000 ms' })
      .optional(),
    /** added to the budget (no effect where there is no limit) */
    deltaMs: finite('deltaMs')
      .refine((v) => v >= -2000 && v <= 2000, { error: 'deltaMs must be between -2000 and 2000 ms' })
      .optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if ((value.budgetMs === undefined) === (value.deltaMs === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['budgetMs'], message: 'give exactly one of budgetMs or deltaMs' });
    }
  });

const countDelta = (field: string) =>
  z
    .number({ error: `${field} must be a number` })
    .int({ error: `${field} must be a whole number` })
    .min(-1_000_000)
    .max(1_000_000);

const inventoryDelta = z
  .object({
    siteCode: code('siteCode'),
    gpuTypeCode: code('gpuTypeCode'),
    installedDelta: countDelta('installedDelta').optional(),
    maxAdditionalDelta: countDelta('maxAdditionalDelta').optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.installedDelta === undefined && value.maxAdditionalDelta === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['installedDelta'],
        message: 'give installedDelta, maxAdditionalDelta or both',
      });
    }
  });

const pueChange = z
  .object({
    scope: priceScope,
    code: code('code').optional(),
    /** the site's PUE times this */
    multiplier: finite('multiplier')
      .refine((v) => v >= 0.5 && v <= 3, { error: 'multiplier must be in [0.5, 3]' })
      .optional(),
    /** added to the site's PUE */
    delta: finite('delta')
      .refine((v) => v >= -2 && v <= 2, { error: 'delta must be in [-2, 2]' })
      .optional(),
  })
  .strict()
  .superRefine(scopedCode)
  .superRefine((value, ctx) => {
    if ((value.multiplier === undefined) === (value.delta === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['multiplier'], message: 'give exactly one of multiplier or delta' });
    }
  });

const powerCapMultiplier = z
  .object({
    scope: priceScope,
    code: code('code').optional(),
    multiplier: finite('multiplier').refine((v) => v >= 0 && v <= 10, { error: 'multiplier must be in [0, 10]' }),
  })
  .strict()
  .superRefine(scopedCode);

const residencyRule = z
  .object({
    /** the regions by code */
    regionCodes: z
      .array(code('regionCodes'), { error: 'regionCodes must be a list' })
      .min(1, { error: 'regionCodes must not be empty' })
      .max(1000)
      .optional(),
    /** or every region located in one of these countries */
    regionCountries: countries('regionCountries').optional(),
    /** the countries whose sites may serve them from now on (replaces their own rule) */
    allowedCountries: countries('allowedCountries'),
  })
  .strict()
  .superRefine((value, ctx) => {
    if ((value.regionCodes === undefined) === (value.regionCountries === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['regionCodes'],
        message: 'give exactly one of regionCodes or regionCountries',
      });
    }
  });

/** A partial PlanOptions, checked field by field by planOptionsSchema but stored as given (defaults come at request time). */
const partialPlanOptions = z
  .record(z.string(), z.unknown(), { error: 'planOptions must be an object' })
  .superRefine((value, ctx) => {
    const parsed = planOptionsSchema.safeParse(value);
    if (parsed.success) return;
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys)
          ctx.addIssue({ code: 'custom', path: [key], message: 'is not a known plan option' });
      } else {
        ctx.addIssue({
          code: 'custom',
          path: issue.path as PropertyKey[] as (string | number)[],
          message: issue.message,
        });
      }
    }
  });

const list = <T extends z.ZodType>(item: T, field: string) =>
  z.array(item, { error: `${field} must be a list` }).max(10_000);

export const scenarioOverridesSchema = z
  .object({
    /** applied after absolutePricesPerKwh, in list order */
    priceMultipliers: list(priceMultiplier, 'priceMultipliers').optional(),
    /** applied first, in list order; a site's hourly prices keep their shape */
    absolutePricesPerKwh: list(absolutePrice, 'absolutePricesPerKwh').optional(),
    demandGrowth: list(demandGrowth, 'demandGrowth').optional(),
    rttBudgetChanges: list(rttBudgetChange, 'rttBudgetChanges').optional(),
    inventoryDeltas: list(inventoryDelta, 'inventoryDeltas').optional(),
    unavailableGpuTypes: list(code('unavailableGpuTypes'), 'unavailableGpuTypes').optional(),
    /** models no site may serve: each one's demand goes unserved, or moves onto its substitute's */
    unavailableModels: list(unavailableModel, 'unavailableModels')
      .superRefine((rows, ctx) => {
        const unavailable = new Set(rows.map((row) => row.modelCode));
        rows.forEach((row, i) => {
          const other = row.substituteModelCode !== undefined && row.substituteModelCode !== row.modelCode;
          if (other && unavailable.has(row.substituteModelCode!)) {
            ctx.addIssue({
              code: 'custom',
              path: [i, 'substituteModelCode'],
              message: `substituteModelCode ${row.substituteModelCode} is itself unavailable`,
            });
          }
          if (rows.findIndex((other) => other.modelCode === row.modelCode) < i) {
            ctx.addIssue({ code: 'custom', path: [i, 'modelCode'], message: `model ${row.modelCode} is listed twice` });
          }
        });
      })
      .optional(),
    /** outage or export restriction: the sites take no load at all */
    sitesOut: list(code('sitesOut'), 'sitesOut').optional(),
    /** heat wave, cooling failure: applied in list order; the result must stay in [1, 3] */
    pueChanges: list(pueChange, 'pueChanges').optional(),
    /** grid curtailment, cooling derating: applied in list order */
    powerCapMultipliers: list(powerCapMultiplier, 'powerCapMultipliers').optional(),
    /** cross-border rules: which countries may serve these regions (applied in list order, a later rule wins) */
    residencyRules: list(residencyRule, 'residencyRules').optional(),
    carbonPricePerTonne: finite('carbonPricePerTonne')
      .refine((v) => v >= 0, { error: 'carbonPricePerTonne must be >= 0' })
      .optional(),
    planOptions: partialPlanOptions.optional(),
  })
  .strict();

export type ScenarioOverrides = z.infer<typeof scenarioOverridesSchema>;

/** The plan options a scenario sets (its carbon price included), to be merged under a request's own. */
export function scenarioPlanOptions(overrides: ScenarioOverrides): Record<string, unknown> {
  return {
    ...(overrides.planOptions ?? {}),
    ...(overrides.carbonPricePerTonne !== undefined ? { carbonPricePerTonne: overrides.carbonPricePerTonne } : {}),
  };
}

/** One line per override, in the planner's words. */
export function describeOverrides(overrides: ScenarioOverrides): string[] {
  const where = (scope: string, code?: string) =>
    scope === 'ALL' ? 'all sites' : scope === 'COUNTRY' ? `sites in ${code}` : `site ${code}`;
  const lines: string[] = [];
  for (const p of overrides.absolutePricesPerKwh ?? [])
    lines.push(`electricity at ${p.pricePerKwh} USD/kWh for ${where(p.scope, p.code)}`);
  for (const p of overrides.priceMultipliers ?? [])
    lines.push(`electricity price ×${p.multiplier} for ${where(p.scope, p.code)}`);
  for (const g of overrides.demandGrowth ?? []) {
    const regions = g.regionCountries ? `regions in ${g.regionCountries.join(', ')}` : (g.regionCode ?? 'every region');
    lines.push(
      `${g.modelCode ? `${g.modelCode} ` : ''}demand ×${g.multiplier} for ${g.workloadClassCode ?? 'every class'} in ${regions}`,
    );
  }
  for (const r of overrides.rttBudgetChanges ?? []) {
    const change =
      r.budgetMs !== undefined ? `set to ${r.budgetMs} ms` : `${r.deltaMs! >= 0 ? '+' : ''}${r.deltaMs} ms`;
    lines.push(`RTT budget of ${r.workloadClassCode}${r.regionCode ? ` in ${r.regionCode}` : ''} ${change}`);
  }
  for (const d of overrides.inventoryDeltas ?? []) {
    const parts = [
      d.installedDelta !== undefined ? `installed ${d.installedDelta >= 0 ? '+' : ''}${d.installedDelta}` : null,
      d.maxAdditionalDelta !== undefined
        ? `max additional ${d.maxAdditionalDelta >= 0 ? '+' : ''}${d.maxAdditionalDelta}`
        : null,
    ].filter(Boolean);
    lines.push(`${d.gpuTypeCode} at ${d.siteCode}: ${parts.join(', ')}`);
  }
  for (const p of overrides.pueChanges ?? []) {
    const change = p.multiplier !== undefined ? `×${p.multiplier}` : `${p.delta! >= 0 ? '+' : ''}${p.delta}`;
    lines.push(`PUE ${change} for ${where(p.scope, p.code)}`);
  }
  for (const p of overrides.powerCapMultipliers ?? [])
    lines.push(`power cap ×${p.multiplier} for ${where(p.scope, p.code)}`);
  for (const r of overrides.residencyRules ?? []) {
    const regions = r.regionCodes
      ? `regions ${r.regionCodes.join(', ')}`
      : `regions in ${r.regionCountries!.join(', ')}`;
    lines.push(`${regions} served only from ${r.allowedCountries.join(', ')}`);
  }
  if (overrides.unavailableGpuTypes?.length)
    lines.push(`GPU types unavailable: ${overrides.unavailableGpuTypes.join(', ')}`);
  for (const m of overrides.unavailableModels ?? []) {
    lines.push(
      `model ${m.modelCode} unavailable: ${m.substituteModelCode ? `its demand moves to ${m.substituteModelCode}` : 'its demand goes unserved'}`,
    );
  }
  if (overrides.sitesOut?.length) lines.push(`sites out: ${overrides.sitesOut.join(', ')}`);
  if (overrides.carbonPricePerTonne !== undefined) lines.push(`carbon price ${overrides.carbonPricePerTonne} USD/t`);
  const options = Object.entries(overrides.planOptions ?? {});
  if (options.length)
    lines.push(`plan options: ${options.map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(', ')}`);
  return lines;
}
