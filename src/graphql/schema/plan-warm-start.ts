// Plan.warmStart and Plan.structureKey: whether a plan's solve started from the
// stored basis of an earlier plan of the same structure (src/optimizer/warm-start.ts).
import { storedPlanResult } from '../../db/plan-store.js';
import type { PlanWarmStart } from '../../optimizer/types.js';
import { builder } from '../builder.js';
import { PlanRef } from './plan.js';

const PlanWarmStartRef = builder.objectRef<PlanWarmStart>('PlanWarmStart').implement({
  description:
    'How a plan’s solve started: from the final simplex basis of the newest earlier plan of the same structure (same sites, GPU types, models, regions, classes, periods, routes and switches), or cold.',
  fields: (t) => ({
    used: t.exposeBoolean('used', { description: 'the solver started from the basis of `fromPlanId`' }),
    fromPlanId: t.exposeID('fromPlanId', {
      nullable: true,
      description: 'the plan of the same structure whose basis was offered; null when none was found',
    }),
    coldReason: t.exposeString('coldReason', {
      nullable: true,
      description:
        'why the solve started cold (warmStart off, javascript-lp-solver, an integer plan, no earlier plan of this structure, a basis the solver refused); null when it started warm',
    }),
    simplexIterations: t.exposeInt('simplexIterations', {
      nullable: true,
      description: 'simplex iterations of this solve (HiGHS LPs)',
    }),
    fromPlanSolveMs: t.exposeFloat('fromPlanSolveMs', {
      nullable: true,
      description: 'the solve time of the plan the basis came from, ms',
    }),
  }),
});

builder.prismaObjectFields(PlanRef, (t) => ({
  structureKey: t.exposeString('structureKey', {
    nullable: true,
    description:
      'a hash of what shapes the solved model (not of prices, demand or caps): plans with the same key have the same columns and rows, so one starts from the other’s basis',
  }),
  warmStart: t.field({
    type: PlanWarmStartRef,
    nullable: true,
    description: 'how the solve started (warm from an earlier plan’s basis, or cold and why); null before it finished',
    select: { result: true },
    resolve: (plan) => storedPlanResult(plan.result)?.warmStart ?? null,
  }),
}));
