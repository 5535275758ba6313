// API keys for admins: list them (never the hash), create one (the key is in
// the answer once and nowhere else), revoke one. Keys are admin-only wherever
// they appear: the type carries the scope, not only the root fields.
import { createApiKey, keyStatus, revokeApiKey } from '../../auth/key-store.js';
import { roleOf } from '../../auth/authenticate.js';
import type { ApiKey } from '../../generated/prisma/client.js';
import { ADMIN_TYPE } from '../authorization.js';
import { builder } from '../builder.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import { checkPageSize, MUTATION_ERRORS, selection } from './common.js';

export const RoleEnum = builder.enumType('Role', {
  description:
    'viewer reads everything; planner also requests and cancels plans and manages scenarios; admin changes anything.',
  values: { VIEWER: { value: 'viewer' }, PLANNER: { value: 'planner' }, ADMIN: { value: 'admin' } } as const,
});

export const ApiKeyStatusEnum = builder.enumType('ApiKeyStatus', { values: ['ACTIVE', 'REVOKED', 'EXPIRED'] as const });

export const ApiKeyRef = builder.prismaObject('ApiKey', {
  ...ADMIN_TYPE,
  description: 'An API key (`Authorization: Bearer tgk_<keyId>_<secret>`); only a hash of the secret is stored.',
  fields: (t) => ({
    keyId: t.exposeString('keyId', { description: 'the public part of the key, shown in logs and on plans' }),
    name: t.exposeString('name'),
    role: t.field({ type: RoleEnum, select: { role: true }, resolve: (key) => roleOf(key.role) }),
    status: t.field({
      type: ApiKeyStatusEnum,
      select: { revokedAt: true, expiresAt: true },
      resolve: (key) => keyStatus(key).toUpperCase() as 'ACTIVE' | 'REVOKED' | 'EXPIRED',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    lastUsedAt: t.expose('lastUsedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'recorded at most once a minute',
    }),
  }),
});

const CreatedApiKeyRef = builder.objectRef<{ key: string; apiKey: ApiKey }>('CreatedApiKey').implement({
  ...ADMIN_TYPE,
  description: 'A new key: `key` is shown this once and cannot be read again.',
  fields: (t) => ({
    key: t.exposeString('key'),
    apiKey: t.field({ type: ApiKeyRef, resolve: (created) => created.apiKey }),
  }),
});

builder.queryFields((t) => ({
  apiKeys: t.prismaConnection(
    {
      type: 'ApiKey',
      cursor: 'id',
      description: 'API keys, oldest first (admin).',
      authScopes: { admin: true },
      maxSize: checkPageSize,
      resolve: (query, _root, _args, ctx) =>
        ctx.db.prisma.apiKey.findMany({ ...selection(query), orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
      totalCount: (_parent, _args, ctx) => ctx.db.prisma.apiKey.count(),
    },
    {},
  ),
}));

const CreateApiKeyInput = builder.inputType('CreateApiKeyInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    role: t.field({ type: RoleEnum, required: true }),
    expiresInDays: t.int({ required: false, description: '1–3650; none = never expires' }),
  }),
});

const RevokeApiKeyInput = builder.inputType('RevokeApiKeyInput', {
  fields: (t) => ({ name: t.string({ required: true }) }),
});

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreatedApiKeyRef,
    errors: { types: MUTATION_ERRORS },
    description: 'Creates a key; the answer holds the key itself, once.',
    args: { input: t.arg({ type: CreateApiKeyInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const outcome = await createApiKey(ctx.db, {
        name: input.name,
        role: input.role,
        expiresInDays: input.expiresInDays ?? null,
      });
      if (outcome.ok) return { key: outcome.key, apiKey: outcome.row };
      if (outcome.kind === 'conflict') throw new ConflictError(outcome.message);
      throw new ValidationError(
        outcome.issues.map((issue) => ({ path: `input.${issue.path}`, message: issue.message })),
      );
    },
  }),
  revokeApiKey: t.prismaField({
    type: 'ApiKey',
    errors: { types: MUTATION_ERRORS },
    description: 'Revokes a key at once; revoking it again changes nothing.',
    args: { input: t.arg({ type: RevokeApiKeyInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const revoked = await revokeApiKey(ctx.db, input.name);
      if (!revoked) throw new NotFoundError('ApiKey', input.name);
      return ctx.db.prisma.apiKey.findUniqueOrThrow({ ...selection(query), where: { id: revoked.id } });
    },
  }),
}));
