// Who is calling: an `Authorization: Bearer tgk_…` header checked against the
// stored keys, or, on a loopback-only server with no usable key at all, the
// local operator acting as admin. Runs before the body is read or the document
// parsed, so a refused caller costs one indexed lookup and nothing more.
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Database } from '../db/database.js';
import type { ErrorCode } from '../errors.js';
import type { ApiKeyRole } from '../generated/prisma/client.js';
import { parseBearer, secretMatches, type Role } from './api-keys.js';

export interface Auth {
  role: Role;
  keyName: string | null;
  keyId: string | null;
  source: 'key' | 'loopback-default';
}

/** The operator on the same machine (loopback default, and the CLI's in-process GraphQL: it holds the database itself). */
export const LOCAL_ADMIN: Auth = { role: 'admin', keyName: null, keyId: null, source: 'loopback-default' };

export const roleOf = (role: ApiKeyRole): Role => role.toLowerCase() as Role;
export const storedRole = (role: Role): ApiKeyRole => role.toUpperCase() as ApiKeyRole;

/**
 * How a server treats requests:
 * - `keys`: every request needs a valid key (a server bound to a network address);
 * - `loopback`: a request without a key acts as admin while no usable key exists; once one does, keys are required;
 * - `fixed`: every request is this caller, headers ignored (in-process callers: the CLI, tests).
 */
export type AuthMode = { kind: 'keys' } | { kind: 'loopback' } | { kind: 'fixed'; auth: Auth };

export type AuthFailure = 'missing' | 'malformed' | 'invalid' | 'revoked' | 'expired';

const MESSAGES: Record<AuthFailure, string> = {
  missing:
    'An API key is required: send `Authorization: Bearer <key>` (create one with `tokengrid keys create --role viewer --name …`).',
  malformed: 'The Authorization header is not `Bearer tgk_<id>_<secret>`.',
  // one message for an unknown id and a wrong secret: the answer must not tell whether the id exists
  invalid: 'The API key is not valid.',
  revoked: 'The API key has been revoked.',
  expired: 'The API key has expired.',
};

export function unauthenticatedError(reason: AuthFailure): GraphQLError {
  return new GraphQLError(MESSAGES[reason], {
    extensions: { code: 'UNAUTHENTICATED' satisfies ErrorCode, reason, http: { status: 401, spec: false } },
  });
}

/** A key that can be used now: not revoked, not expired. */
export const usableKeyWhere = (now: Date) => ({
  revokedAt: null,
  OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
});

export type Authentication = { ok: true; auth: Auth } | { ok: false; reason: AuthFailure };

/** lastUsedAt is written at most once per interval per key, and never awaited by the request. */
const LAST_USED_INTERVAL_MS = 60_000;

export class Authenticator {
  /** per key id: when this process last wrote (or decided not to write) its lastUsedAt */
  private readonly lastUsedWrites = new Map<string, number>();
  private anyKeyCache: { value: boolean; at: number } | null = null;

  constructor(
    private readonly db: Database,
    private readonly mode: AuthMode,
    private readonly options: { now?: () => number; anyKeyCacheMs?: number } = {},
  ) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  async authenticate(header: string | null): Promise<Authentication> {
    if (this.mode.kind === 'fixed') return { ok: true, auth: this.mode.auth };
    const bearer = parseBearer(header);
    if (!bearer.ok) {
      if (bearer.reason === 'missing' && this.mode.kind === 'loopback' && !(await this.anyUsableKey())) {
        return { ok: true, auth: LOCAL_ADMIN };
      }
      return { ok: false, reason: bearer.reason };
    }
    const key = await this.db.prisma.apiKey.findUnique({
      where: { keyId: bearer.keyId },
      select: {
        keyId: true,
        name: true,
        role: true,
        secretHash: true,
        expiresAt: true,
        revokedAt: true,
        lastUsedAt: true,
      },
    });
    // a well-formed hash is compared even for an unknown id, so both take the same time
    const matches = secretMatches(bearer.secret, key?.secretHash ?? '0'.repeat(64));
    if (!key || !matches) return { ok: false, reason: 'invalid' };
    const now = this.now();
    if (key.revokedAt) return { ok: false, reason: 'revoked' };
    if (key.expiresAt && key.expiresAt.getTime() <= now) return { ok: false, reason: 'expired' };
    this.recordUse(key.keyId, key.lastUsedAt, now);
    return { ok: true, auth: { role: roleOf(key.role), keyName: key.name, keyId: key.keyId, source: 'key' } };
  }

  /** Whether any usable key exists (cached briefly: a request without a key should not cost a query each time). */
  private async anyUsableKey(): Promise<boolean> {
    const now = this.now();
    const ttl = this.options.anyKeyCacheMs ?? 2_000;
    if (this.anyKeyCache && now - this.anyKeyCache.at < ttl && keysVersion === this.seenKeysVersion)
      return this.anyKeyCache.value;
    this.seenKeysVersion = keysVersion;
    const count = await this.db.prisma.apiKey.count({ where: usableKeyWhere(new Date(now)) });
    this.anyKeyCache = { value: count > 0, at: now };
    return count > 0;
  }

  private seenKeysVersion = -1;

  private recordUse(keyId: string, stored: Date | null, now: number): void {
    const lastWrite = this.lastUsedWrites.get(keyId);
    if (lastWrite !== undefined && now - lastWrite < LAST_USED_INTERVAL_MS) return;
    this.lastUsedWrites.set(keyId, now);
    // another process may have written it recently
    if (stored && now - stored.getTime() < LAST_USED_INTERVAL_MS) return;
    this.db.prisma.apiKey.update({ where: { keyId }, data: { lastUsedAt: new Date(now) } }).catch(() => {
      // best effort: a lost lastUsedAt must never fail or delay a request
    });
  }
}

/**
 * Whether a key that was accepted earlier (an open subscription's) is still
 * usable: one indexed read per key per `ttlMs` however many streams ask, and
 * at once after a revocation in this process.
 */
export class KeyRecheck {
  private readonly seen = new Map<
    string,
    { at: number; version: number; missing: boolean; revoked: boolean; expiresAtMs: number | null }
  >();

  constructor(
    private readonly db: Database,
    private readonly options: { ttlMs?: number; now?: () => number } = {},
  ) {}

  async failure(keyId: string): Promise<AuthFailure | null> {
    const now = this.options.now?.() ?? Date.now();
    let entry = this.seen.get(keyId);
    if (!entry || now - entry.at >= (this.options.ttlMs ?? 1_000) || entry.version !== keysVersion) {
      const version = keysVersion;
      const key = await this.db.prisma.apiKey.findUnique({
        where: { keyId },
        select: { revokedAt: true, expiresAt: true },
      });
      entry = {
        at: now,
        version,
        missing: !key,
        revoked: Boolean(key?.revokedAt),
        expiresAtMs: key?.expiresAt?.getTime() ?? null,
      };
      this.seen.set(keyId, entry);
    }
    if (entry.missing) return 'invalid';
    if (entry.revoked) return 'revoked';
    if (entry.expiresAtMs !== null && entry.expiresAtMs <= now) return 'expired';
    return null;
  }
}

/** Bumped when keys are created or revoked in this process, so the loopback default notices at once. */
let keysVersion = 0;
export function keysChanged(): void {
  keysVersion += 1;
}

/** The caller of each accepted request, for the context (below). */
const auths = new WeakMap<Request, Auth>();

/** The caller useAuthentication accepted for a request (null: none, e.g. not the GraphQL endpoint). */
export const authOf = (request: Request): Auth | null => auths.get(request) ?? null;

/**
 * Authenticates every request to the GraphQL endpoint (and to the other paths
 * `guarded` names: the plan exports) before anything else is done with it: a
 * refused one is answered 401 at once, GraphQL-shaped; an accepted one has its
 * caller put on the context as `auth` (and is found by authOf).
 */
export function useAuthentication(
  db: Database,
  mode: AuthMode,
  graphqlEndpoint = '/graphql',
  guarded: (path: string) => boolean = () => false,
): Plugin {
  const authenticator = new Authenticator(db, mode);
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if ((url.pathname !== graphqlEndpoint && !guarded(url.pathname)) || request.method === 'OPTIONS') return;
      // the GraphiQL page itself carries no data; its requests carry the key
      if (
        url.pathname === graphqlEndpoint &&
        request.method === 'GET' &&
        !url.searchParams.has('query') &&
        (request.headers.get('accept') ?? '').includes('text/html')
      )
        return;
      const result = await authenticator.authenticate(request.headers.get('authorization'));
      if (result.ok) {
        auths.set(request, result.auth);
        return;
      }
      const error = unauthenticatedError(result.reason);
      endResponse(
        new fetchAPI.Response(
          JSON.stringify({
            errors: [
              {
                message: error.message,
                extensions: { code: 'UNAUTHENTICATED' satisfies ErrorCode, reason: result.reason },
              },
            ],
          }),
          {
            status: 401,
            headers: {
              'content-type': 'application/json; charset=utf-8',
              'www-authenticate': 'Bearer realm="tokengrid"',
            },
          },
        ),
      );
    },
    onContextBuilding({ context, extendContext }) {
      const request = (context as { request?: Request }).request;
      const auth = request ? (auths.get(request) ?? null) : null;
      extendContext({ auth } as unknown as Partial<typeof context>);
    },
  };
}
