// How a starting server treats callers, from where it listens and which keys exist.
import type { Database } from '../db/database.js';
import { isLoopbackHost } from '../net.js';
import type { AuthMode } from './authenticate.js';
import { usableAdminKeys } from './key-store.js';
import { usableKeyWhere } from './authenticate.js';

export type StartupAccess = { ok: true; mode: AuthMode; notice: string } | { ok: false; message: string };

export async function startupAccess(db: Database, host: string, now = new Date()): Promise<StartupAccess> {
  if (isLoopbackHost(host)) {
    const keys = await db.prisma.apiKey.count({ where: usableKeyWhere(now) });
    return {
      ok: true,
      mode: { kind: 'loopback' },
      notice:
        keys === 0
          ? `no API key exists and ${host} is loopback only: every request acts as admin (create a key with \`tokengrid keys create --role admin --name <name>\` to require keys)`
          : `API keys required (${keys} usable)`,
    };
  }
  const admins = await usableAdminKeys(db, now);
  if (admins === 0) {
    return {
      ok: false,
      message:
        `HOST=${host} is reachable from the network, so every request needs an API key, and this database has no usable admin key. ` +
        'Create one against the same database (same DATABASE_URL or TOKENGRID_DATA_DIR) with `tokengrid keys create --role admin --name <name>` ' +
        '(it prints the key once), then start the server again; or bind to 127.0.0.1 to run without keys.',
    };
  }
  return { ok: true, mode: { kind: 'keys' }, notice: `API keys required (${admins} usable admin key(s))` };
}
