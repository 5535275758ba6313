// `tokengrid keys create|list|revoke`: API keys, straight on the database (the
// way to make the first admin key before a network-bound server will start).
import { parseArgs } from 'node:util';
import { ROLES } from '../auth/api-keys.js';
import { roleOf } from '../auth/authenticate.js';
import { createApiKey, keyStatus, listApiKeys, revokeApiKey } from '../auth/key-store.js';
import type { Database } from '../db/database.js';

const USAGE = `Usage:
  tokengrid keys create --role viewer|planner|admin --name <name> [--expires-in-days <days>]
                        prints the key once: store it now, it cannot be shown again
  tokengrid keys list [--json]   name, role, id, created, expires, status, last used (never the key or its hash)
  tokengrid keys revoke <name>   the key stops working at once`;

export interface KeysCommandDeps {
  withDatabase: <T>(run: (db: Database) => Promise<T>) => Promise<T>;
  out?: (text: string) => void;
  err?: (text: string) => void;
}

const day = (date: Date | null) => (date ? date.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-');

export async function keysCommand(argv: string[], deps: KeysCommandDeps): Promise<number> {
  const out = deps.out ?? ((text: string) => process.stdout.write(text));
  const err = deps.err ?? ((text: string) => process.stderr.write(text));
  const [sub, ...rest] = argv;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { role: { type: 'string' }, name: { type: 'string' }, 'expires-in-days': { type: 'string' }, json: { type: 'boolean', default: false } },
    });
  } catch (error) {
    err(`tokengrid keys: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  switch (sub) {
    case 'create': {
      const role = values.role?.toLowerCase();
      if (!role || !(ROLES as readonly string[]).includes(role) || !values.name) {
        err(`tokengrid keys create: give --role (${ROLES.join(', ')}) and --name\n\n${USAGE}\n`);
        return 2;
      }
      const days = values['expires-in-days'];
      const expiresInDays = days === undefined ? null : Number(days);
      if (expiresInDays !== null && !Number.isInteger(expiresInDays)) {
        err('tokengrid keys create: --expires-in-days must be a whole number of days\n');
        return 2;
      }
      return deps.withDatabase(async (db) => {
        const outcome = await createApiKey(db, { name: values.name!, role: role as (typeof ROLES)[number], expiresInDays });
        if (!outcome.ok) {
          err(outcome.kind === 'conflict' ? `${outcome.message}\n` : outcome.issues.map((i) => `${i.path}: ${i.message}`).join('\n') + '\n');
          return outcome.kind === 'conflict' ? 1 : 2;
        }
        err(`created ${roleOf(outcome.row.role)} key "${outcome.row.name}" (id ${outcome.row.keyId}${outcome.row.expiresAt ? `, expires ${day(outcome.row.expiresAt)}` : ''}); it is shown this once:\n`);
        out(`${outcome.key}\n`);
        return 0;
      });
    }
    case 'list':
      return deps.withDatabase(async (db) => {
        const now = new Date();
        const rows = (await listApiKeys(db)).map((key) => ({
          name: key.name,
          role: roleOf(key.role),
          keyId: key.keyId,
          createdAt: day(key.createdAt),
          expiresAt: day(key.expiresAt),
          status: keyStatus(key, now),
          revokedAt: day(key.revokedAt),
          lastUsedAt: day(key.lastUsedAt),
        }));
        if (values.json) {
          out(JSON.stringify(rows, null, 2) + '\n');
          return 0;
        }
        if (rows.length === 0) {
          out('no API keys (create one with `tokengrid keys create --role admin --name <name>`)\n');
          return 0;
        }
        const header = ['NAME', 'ROLE', 'ID', 'CREATED', 'EXPIRES', 'STATUS', 'LAST USED'];
        const table = [header, ...rows.map((r) => [r.name, r.role, r.keyId, r.createdAt, r.expiresAt, r.status, r.lastUsedAt])];
        const widths = header.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
        out(table.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n');
        return 0;
      });
    case 'revoke': {
      const name = positionals[0];
      if (!name) {
        err(`tokengrid keys revoke: give the key's name\n\n${USAGE}\n`);
        return 2;
      }
      return deps.withDatabase(async (db) => {
        const revoked = await revokeApiKey(db, name);
        if (!revoked) {
          err(`no API key named "${name}"\n`);
          return 1;
        }
        out(`revoked "${revoked.name}" (id ${revoked.keyId}) at ${day(revoked.revokedAt)}\n`);
        return 0;
      });
    }
    case undefined:
    case '--help':
    case 'help':
      out(`${USAGE}\n`);
      return sub === undefined ? 2 : 0;
    default:
      err(`tokengrid keys: unknown subcommand "${sub}"\n\n${USAGE}\n`);
      return 2;
  }
}
