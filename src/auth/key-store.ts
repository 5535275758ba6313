// Stored API keys: create (the key is returned once, only its hash is kept),
// list, revoke, and the start-up check that a network-bound server has an admin.
import { z } from 'zod';
import type { Database } from '../db/database.js';
import type { ValidationIssue } from '../errors.js';
import type { ApiKey } from '../generated/prisma/client.js';
import { Prisma } from '../generated/prisma/client.js';
import { generateApiKey, ROLES, type Role } from './api-keys.js';
import { keysChanged, storedRole, usableKeyWhere } from './authenticate.js';

export const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const newApiKeySchema = z.object({
  name: z.string().regex(KEY_NAME, 'must be 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit'),
  role: z.enum(ROLES),
  expiresInDays: z.number().int().min(1).max(3650).nullish(),
});
export type NewApiKeyRequest = z.input<typeof newApiKeySchema>;

export type CreateApiKeyOutcome =
  | { ok: true; key: string; row: ApiKey }
  | { ok: false; kind: 'validation'; issues: ValidationIssue[] }
  | { ok: false; kind: 'conflict'; message: string };

export async function createApiKey(
  db: Database,
  request: NewApiKeyRequest,
  now = new Date(),
): Promise<CreateApiKeyOutcome> {
  const parsed = newApiKeySchema.safeParse(request);
  if (!parsed.success) {
    return {
      ok: false,
      kind: 'validation',
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.') || 'input', message: i.message })),
    };
  }
  const { name, role, expiresInDays } = parsed.data;
  const generated = generateApiKey();
  try {
    const row = await db.prisma.apiKey.create({
      data: {
        keyId: generated.keyId,
        name,
        role: storedRole(role),
        secretHash: generated.secretHash,
        expiresAt: expiresInDays ? new Date(now.getTime() + expiresInDays * 86_400_000) : null,
      },
    });
    keysChanged();
    return { ok: true, key: generated.key, row };
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      return { ok: false, kind: 'conflict', message: `An API key named "${name}" already exists.` };
    }
    throw error;
  }
}

export function listApiKeys(db: Database): Promise<ApiKey[]> {
  return db.prisma.apiKey.findMany({ orderBy: [{ createdAt: 'asc' }, { name: 'asc' }] });
}

/** Revokes the named key; null when there is none. Revoking twice keeps the first time. */
export async function revokeApiKey(db: Database, name: string, now = new Date()): Promise<ApiKey | null> {
  const key = await db.prisma.apiKey.findUnique({ where: { name } });
  if (!key) return null;
  if (key.revokedAt) return key;
  const revoked = await db.prisma.apiKey.update({ where: { name }, data: { revokedAt: now } });
  keysChanged();
  return revoked;
}

export function usableAdminKeys(db: Database, now = new Date()): Promise<number> {
  return db.prisma.apiKey.count({ where: { role: 'ADMIN', ...usableKeyWhere(now) } });
}

export function keyStatus(
  key: Pick<ApiKey, 'revokedAt' | 'expiresAt'>,
  now = new Date(),
): 'active' | 'revoked' | 'expired' {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && key.expiresAt <= now) return 'expired';
  return 'active';
}

export type { Role };
