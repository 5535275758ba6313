// Subscription.planUpdated: follow one plan over server-sent events (or any
// transport yoga serves) from its current status until it is final, within the
// open-subscription limit of its key, and only while that key stays usable.
import { isUuid } from '../../db/ids.js';
import { planStatusUpdates } from '../../plans/updates.js';
import { builder } from '../builder.js';
import { isKeyLost, keyLostError, type KeyLost } from '../subscriptions.js';
import { argumentError, selection } from './common.js';

builder.subscriptionField('planUpdated', (t) =>
  t.prismaField({
    type: 'Plan',
    description:
      'The plan at once, then again on every status change until it is final (QUEUED → RUNNING → SOLVED …); then the subscription completes. ' +
      'Changes made by a worker in another process arrive as they are written (PostgreSQL LISTEN/NOTIFY). ' +
      'A key may have TOKENGRID_MAX_SUBSCRIPTIONS_PER_KEY open at once (TOO_MANY_SUBSCRIPTIONS past it); ' +
      'a stream whose key is revoked or expires ends with an UNAUTHENTICATED error.',
    args: { id: t.arg.id({ required: true }) },
    subscribe: async (_root, args, ctx) => {
      const id = String(args.id);
      const exists = isUuid(id) && (await ctx.db.prisma.plan.findUnique({ where: { id }, select: { id: true } }));
      if (!exists) throw argumentError('NOT_FOUND', 'id', `id: plan "${id}" does not exist`);
      const updates = planStatusUpdates(ctx.db, id);
      return ctx.subscriptions && ctx.auth ? ctx.subscriptions.follow(ctx.auth, updates) : updates;
    },
    resolve: (query, event: string | KeyLost, _args, ctx) => {
      if (isKeyLost(event)) throw keyLostError(event);
      return ctx.db.prisma.plan.findUniqueOrThrow({ ...selection(query), where: { id: event } });
    },
  }),
);
