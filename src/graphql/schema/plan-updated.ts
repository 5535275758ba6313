// Subscription.planUpdated: follow one plan over server-sent events (or any
// transport yoga serves) from its current status until it is final.
import { isUuid } from '../../db/ids.js';
import { planStatusUpdates } from '../../plans/updates.js';
import { builder } from '../builder.js';
import { argumentError, selection } from './common.js';

builder.subscriptionField('planUpdated', (t) =>
  t.prismaField({
    type: 'Plan',
    description:
      'The plan at once, then again on every status change until it is final (QUEUED → RUNNING → SOLVED …); then the subscription completes. ' +
      'Changes made by a worker in another process arrive within about a second.',
    args: { id: t.arg.id({ required: true }) },
    subscribe: async (_root, args, ctx) => {
      const id = String(args.id);
      const exists = isUuid(id) && (await ctx.db.prisma.plan.findUnique({ where: { id }, select: { id: true } }));
      if (!exists) throw argumentError('NOT_FOUND', 'id', `id: plan "${id}" does not exist`);
      return planStatusUpdates(ctx.db, id);
    },
    resolve: (query, planId: string, _args, ctx) =>
      ctx.db.prisma.plan.findUniqueOrThrow({ ...selection(query), where: { id: planId } }),
  }),
);
