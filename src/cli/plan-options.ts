// `tokengrid plan`'s plan options, derived from the one options schema
// (planOptionsSchema): one command-line option per field, named in kebab-case,
// parsed by the field's type; the schema then checks the values as the API does.
import { InvalidArgumentError, Option } from 'commander';
import { z } from 'zod';
import { DEFAULT_PLAN_OPTIONS, planOptionsSchema, type PlanOptions } from '../optimizer/types.js';

export type PlanOptionField = keyof PlanOptions;

/** What each option means, in the planner's words (the type checks that every field has one). */
export const PLAN_OPTION_DESCRIPTIONS: Record<PlanOptionField, string> = {
  periods: 'steady state (1) or an hourly day-ahead plan (24)',
  capexMode: 'AMORTIZED: busy GPUs pay their capex; SUNK: only bought GPUs do',
  targetUtilization: "share of a GPU's rated throughput planned for, 0 < X <= 1",
  maxSiteShare: "most of a region's class demand one site may take, 0 < X <= 1 (default: no limit)",
  allowExpansion: "allow buying GPUs up to each site's limit, and PLANNED sites",
  carbonPricePerTonne: '$ per tonne of CO2 emitted',
  carbonCapTonnesPerHour: 'most tonnes of CO2 per hour, day average (default: no cap)',
  egressPricePerMillionTokens: '$ per million tokens served across a border',
  unservedPenaltyPerMillionTokens:
    'price of leaving demand unserved, $ per million tokens (a modelling price, not money)',
  excludeSites: 'site codes left out of the plan (comma-separated or repeated)',
  integerGpus: 'whole GPUs (solved by HiGHS or CBC)',
  mipGapRelative: 'relative MIP gap at which an integer plan stops, 0 <= X < 1',
  timeLimitSeconds: 'solver time limit in seconds',
  solver:
    'auto: javascript-lp-solver for small models, then CLP when installed, else HiGHS (integer plans and warm starts: HiGHS)',
  columnGeneration: 'generate route columns by reduced cost (LPs on HiGHS; auto: large models)',
  warmStart:
    'solve cold: skip the stored basis of the newest plan of the same structure (warm starts are on by default)',
};

/** Shorter names kept from earlier releases (hidden from the help, which names them beside the option). */
export const PLAN_OPTION_ALIASES: Partial<Record<PlanOptionField, string>> = {
  capexMode: 'capex',
  targetUtilization: 'utilization',
  allowExpansion: 'expansion',
  carbonPricePerTonne: 'carbon-price',
  integerGpus: 'integer',
  timeLimitSeconds: 'time-limit',
};

export const kebab = (field: string) => field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

type Kind =
  { type: 'number'; choices?: number[] } | { type: 'enum'; choices: string[] } | { type: 'boolean' } | { type: 'list' };

function kindOf(field: string, schema: z.ZodType): Kind {
  let inner: z.ZodType = schema;
  while (inner instanceof z.ZodDefault || inner instanceof z.ZodNullable) inner = inner.unwrap() as z.ZodType;
  if (inner instanceof z.ZodNumber) return { type: 'number' };
  if (inner instanceof z.ZodBoolean) return { type: 'boolean' };
  if (inner instanceof z.ZodArray) return { type: 'list' };
  if (inner instanceof z.ZodEnum) return { type: 'enum', choices: inner.options.map(String) };
  if (
    inner instanceof z.ZodUnion &&
    inner.options.every((o) => o instanceof z.ZodLiteral && typeof o.value === 'number')
  ) {
    return { type: 'number', choices: inner.options.map((o) => (o as z.ZodLiteral<number>).value) };
  }
  throw new Error(`plan option ${field}: no command-line parser for its type`);
}

const parseNumber = (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || Number.isNaN(n)) throw new InvalidArgumentError('must be a number');
  return n;
};

export interface PlanOptionSpec {
  field: PlanOptionField;
  flag: string;
  alias: string | undefined;
  kind: Kind;
}

/** One row per field of planOptionsSchema, in the schema's order. */
export const PLAN_OPTION_SPECS: PlanOptionSpec[] = Object.entries(planOptionsSchema.shape).map(([field, schema]) => ({
  field: field as PlanOptionField,
  flag: kebab(field),
  alias: PLAN_OPTION_ALIASES[field as PlanOptionField],
  kind: kindOf(field, schema as z.ZodType),
}));

function optionsFor(spec: PlanOptionSpec, name: string, hidden: boolean): Option {
  const described = PLAN_OPTION_DESCRIPTIONS[spec.field] + (hidden || !spec.alias ? '' : ` (also --${spec.alias})`);
  const fallback = DEFAULT_PLAN_OPTIONS[spec.field];
  const shownDefault =
    Array.isArray(fallback) || fallback === null || fallback === false ? '' : ` [default: ${String(fallback)}]`;
  let option: Option;
  switch (spec.kind.type) {
    case 'boolean':
      // an option on by default is turned off: `--no-warm-start`
      option = new Option(fallback === true ? `--no-${name}` : `--${name}`, described);
      break;
    case 'number': {
      const choices = spec.kind.choices;
      option = new Option(`--${name} <${choices ? choices.join('|') : 'number'}>`, described + shownDefault).argParser(
        parseNumber,
      );
      break;
    }
    case 'enum': {
      const choices = spec.kind.choices;
      option = new Option(`--${name} <${choices.join('|')}>`, described + shownDefault).argParser((value: string) => {
        // case does not matter on the command line: `--capex sunk`
        const found = choices.find((c) => c.toLowerCase() === value.toLowerCase());
        if (!found) throw new InvalidArgumentError(`must be one of ${choices.join(', ')}`);
        return found;
      });
      break;
    }
    case 'list':
      option = new Option(`--${name} <codes>`, described).argParser((value: string, previous: string[] | undefined) => [
        ...(previous ?? []),
        ...value
          .split(',')
          .map((code) => code.trim())
          .filter((code) => code !== ''),
      ]);
      break;
  }
  // commander's attribute name: the alias's values land on the field itself
  option.attributeName = () => spec.field;
  return hidden ? option.hideHelp() : option;
}

/** `--warm-start` beside `--no-warm-start` (hidden): commander then leaves the field unset unless one is given. */
const onByDefault = (spec: PlanOptionSpec): boolean =>
  spec.kind.type === 'boolean' && DEFAULT_PLAN_OPTIONS[spec.field] === true;

/** The command-line flag of a plan option: `--periods`, `--no-warm-start` for one on by default. */
export const planOptionFlag = (spec: PlanOptionSpec): string =>
  onByDefault(spec) ? `--no-${spec.flag}` : `--${spec.flag}`;

/** The commander options of every plan option (and the hidden aliases). */
export function planOptionOptions(): Option[] {
  return PLAN_OPTION_SPECS.flatMap((spec) => [
    optionsFor(spec, spec.flag, false),
    ...(spec.alias ? [optionsFor(spec, spec.alias, true)] : []),
    ...(onByDefault(spec) ? [new Option(`--${spec.flag}`, PLAN_OPTION_DESCRIPTIONS[spec.field]).hideHelp()] : []),
  ]);
}

/** The plan options given on the command line, by field (those not given are left out). */
export function givenPlanOptions(parsed: Record<string, unknown>): Record<string, unknown> {
  const given: Record<string, unknown> = {};
  for (const spec of PLAN_OPTION_SPECS) if (parsed[spec.field] !== undefined) given[spec.field] = parsed[spec.field];
  return given;
}
