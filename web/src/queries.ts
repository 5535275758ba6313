// The names the page gives to what its queries read back, taken from the types
// generated from the schema and the page's documents (queries.graphql →
// generated/graphql.ts, `npm run codegen`); nothing here is written by hand.
import type {
  WebAllocationsQuery,
  WebBaseQuery,
  WebDiffQuery,
  WebPlanQuery,
  WebPlansQuery,
} from './generated/graphql.js';

export type { PlanStatus, UnservedReason } from './generated/graphql.js';

export type BaseData = WebBaseQuery;
export type Site = WebBaseQuery['sites']['edges'][number]['node'];
export type Region = WebBaseQuery['demandRegions'][number];

export type PlanListItem = WebPlansQuery['plans']['edges'][number]['node'];
export type Plan = NonNullable<WebPlanQuery['plan']>;

export type AllocationsPage = NonNullable<WebAllocationsQuery['plan']>['allocations'];
export type Allocation = AllocationsPage['edges'][number]['node'];

export type PlanDiff = NonNullable<NonNullable<WebDiffQuery['plan']>['diff']>;
