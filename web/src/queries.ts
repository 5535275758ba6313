// The names the page gives to what its queries read back, taken from the types
// generated from the schema and the page's documents (queries.graphql →
// generated/graphql.ts, `npm run codegen`); nothing here is written by hand.
import type { WebBaseQuery, WebDiffQuery, WebPlanQuery, WebPlansQuery } from './generated/graphql.js';

export type { PlanStatus, UnservedReason } from './generated/graphql.js';

export type BaseData = WebBaseQuery;
export type Site = WebBaseQuery['sites']['edges'][number]['node'];
export type Region = WebBaseQuery['demandRegions'][number];

export type PlanListItem = WebPlansQuery['plans']['edges'][number]['node'];
export type Plan = NonNullable<WebPlanQuery['plan']>;

/** one site in one period of a plan, aggregated by the server (Plan.siteLoadsByPeriod) */
export type SitePeriodLoad = Plan['siteLoadsByPeriod'][number];

export type PlanDiff = NonNullable<NonNullable<WebDiffQuery['plan']>['diff']>;
