// API keys: `tgk_<id>_<secret>`. The id finds the stored key; only a SHA-256 of the
// secret is stored (the secret is 192 random bits, so a slow hash adds nothing),
// compared in constant time. The whole key is shown once, at creation.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const ROLES = ['viewer', 'planner', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 0, planner: 1, admin: 2 };

/** viewer reads; planner also requests plans and manages scenarios; admin may change anything. */
export function roleAllows(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

const KEY_PATTERN = /^tgk_([a-z0-9]{12})_([A-Za-z0-9_-]{32})$/;

export interface NewApiKey {
  /** the full key, to show once */
  key: string;
  keyId: string;
  secretHash: string;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function generateApiKey(): NewApiKey {
  const keyId = randomBytes(9)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 12)
    .padEnd(12, '0');
  const secret = randomBytes(24).toString('base64url');
  return { key: `tgk_${keyId}_${secret}`, keyId, secretHash: hashSecret(secret) };
}

export type BearerParse = { ok: true; keyId: string; secret: string } | { ok: false; reason: 'missing' | 'malformed' };

/** Reads `Authorization: Bearer tgk_…`; anything else is missing or malformed, never an exception. */
export function parseBearer(header: string | null | undefined): BearerParse {
  if (!header) return { ok: false, reason: 'missing' };
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  const parts = match ? KEY_PATTERN.exec(match[1]!) : null;
  if (!parts) return { ok: false, reason: 'malformed' };
  return { ok: true, keyId: parts[1]!, secret: parts[2]! };
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const given = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
